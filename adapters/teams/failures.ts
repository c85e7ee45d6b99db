// What a person hears in Teams when their request was not done (a storage outage in the web process,
// or a queued step that finally failed in a worker).
export const NOT_SAVED = "That was not saved: I could not reach my storage just now. Please try again in a moment.";
