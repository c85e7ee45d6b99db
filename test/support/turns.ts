// Waits on the conversation-step queue ("turns", src/turns) instead of on time: a conversation has had
// all its steps answered when its order mark reaches the number of steps enqueued for it.
import { Redis } from "ioredis";
import { TurnOrder } from "../../src/turns/order.js";
import { waitFor } from "./webhook.js";

/** Resolves once `steps` steps of conversation `key` are done (answered, or failed and told). */
export async function waitForSteps(redisUrl: string, prefix: string, key: string, steps: number, what = `${steps} steps of ${key}`): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const order = new TurnOrder(redis, prefix);
    await waitFor(async () => (await order.done(key).catch(() => -1)) >= steps, what, 60_000);
  } finally {
    redis.disconnect();
  }
}

/** Resolves once every step enqueued so far for `key` is done: nothing more will be said to that person. */
export async function waitForAllSteps(redisUrl: string, prefix: string, key: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const order = new TurnOrder(redis, prefix);
    await waitFor(async () => {
      const [n, done] = await Promise.all([order.enqueued(key), order.done(key)]).catch(() => [1, 0]);
      return n > 0 && done >= n;
    }, `every step of ${key}`, 60_000);
  } finally {
    redis.disconnect();
  }
}
