/**
 * Feed snapshots in KV (`FEED_SNAPSHOTS`): a signed-in user's ranked feed, kept 30 minutes so later pages
 * follow the same order. Exported (what was ranked for the user) and deleted on erasure, found by the
 * viewer prefix of their keys.
 */
import { snapshotKeyPrefix } from '../feed';
import type { PrivacyArea } from '../privacy';

async function keysOf(env: Env, userId: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.FEED_SNAPSHOTS.list({ prefix: snapshotKeyPrefix(userId), cursor });
    keys.push(...page.keys.map((k) => k.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return keys;
}

export const feedArea: PrivacyArea = {
  name: 'feed',
  async export(env, userId) {
    const keys = await keysOf(env, userId);
    const snapshots = await Promise.all(keys.map((k) => env.FEED_SNAPSHOTS.get(k, 'json')));
    return { snapshots: snapshots.filter(Boolean) };
  },
  async erase(env, userId) {
    const keys = await keysOf(env, userId);
    await Promise.all(keys.map((k) => env.FEED_SNAPSHOTS.delete(k)));
    return { snapshots: keys.length };
  },
};
