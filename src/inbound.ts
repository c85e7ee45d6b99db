// What the web server takes from a chat platform, the same for Slack and Teams.

/**
 * The largest request body a platform route reads (413 beyond, unread). Their largest payloads (a
 * Slack view submission with its blocks, a Teams card action with its inputs) stay well under it.
 */
export const MAX_INBOUND_BODY_BYTES = 256 * 1024;
