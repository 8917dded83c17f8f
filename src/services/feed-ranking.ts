/**
 * Feed ranking: every candidate gets a score; sessions live now come first (followed hosts first), then
 * everything else by score: followed people's recent posts, videos and products get a recency bonus on top
 * of their trending weight; interests, the requested currency and the device nudge scores when
 * personalisation is allowed.
 */
import type { LiveSessionRow, PostRow, ProductRow, VideoRow } from '../db/schema';
import type { Candidates } from './feed-candidates';
import type { RequestContext } from './personalization';
import { trendingNow } from './trending';

export type FeedType = 'post' | 'product' | 'video' | 'live';
export type Reason = 'live_now' | 'following' | 'interest' | 'trending';

/** A ranked entry, as stored in a feed snapshot (short keys: snapshots hold up to MAX_FEED_ITEMS). */
export interface Ranked {
  t: FeedType;
  id: string;
  s: number;
  r: Reason;
}

export const MAX_FEED_ITEMS = 200;
const DAY_MS = 24 * 3600 * 1000;
const LIVE_NOW = 1e12;

const decay = (ms: number, halfLifeMs: number) => 2 ** (-Math.max(0, ms) / halfLifeMs);

export interface RankInput {
  candidates: Candidates;
  personalized: boolean;
  context: RequestContext;
  now: number;
}

export function rankFeed({ candidates, personalized, context, now }: RankInput): Ranked[] {
  const best = new Map<string, Ranked>();
  const add = (entry: Ranked) => {
    const key = `${entry.t}:${entry.id}`;
    const seen = best.get(key);
    if (!seen || entry.s > seen.s) best.set(key, entry);
  };
  const follows = personalized ? candidates.followedIds : new Set<string>();
  const interests = new Set(personalized ? ((candidates.preferences?.interests as string[] | undefined) ?? []) : []);
  const phone = personalized && (context.device === 'ios' || context.device === 'android');

  const post = (row: PostRow) => {
    const following = follows.has(row.authorId);
    const bonus = following ? 10 * decay(now - row.createdAt, DAY_MS) : 0;
    add({ t: 'post', id: row.id, s: trendingNow(row.trending, now) + bonus, r: following ? 'following' : 'trending' });
  };
  const product = (row: ProductRow) => {
    const following = follows.has(row.creatorId);
    const interest = row.categoryId !== null && interests.has(row.categoryId);
    let s = trendingNow(row.trendingScore, now) + (following ? 5 * decay(now - row.createdAt, 2 * DAY_MS) : 0);
    if (interest) s = s * 1.5 + 1;
    if (personalized && context.currency && row.currency === context.currency) s *= 1.25;
    add({ t: 'product', id: row.id, s, r: following ? 'following' : interest ? 'interest' : 'trending' });
  };
  const video = (row: VideoRow) => {
    const following = follows.has(row.creatorId);
    let s = trendingNow(row.trending, now) + (following ? 8 * decay(now - row.createdAt, DAY_MS) : 0);
    if (phone) s *= 1.3;
    add({ t: 'video', id: row.id, s, r: following ? 'following' : 'trending' });
  };
  const live = (row: LiveSessionRow) => {
    const following = follows.has(row.creatorId);
    if (row.status === 'live') {
      const s = LIVE_NOW + (following ? LIVE_NOW / 2 : 0) + (row.startedAt ?? 0) / 1e3;
      add({ t: 'live', id: row.id, s, r: 'live_now' });
    } else if (following) {
      add({ t: 'live', id: row.id, s: 10 * decay((row.scheduledAt ?? now) - now, DAY_MS), r: 'following' });
    }
  };

  const { trending } = candidates;
  trending.posts.forEach(post);
  trending.products.forEach(product);
  trending.videos.forEach(video);
  trending.live.forEach(live);
  if (personalized) {
    const { personal } = candidates;
    personal.posts.forEach(post);
    personal.products.forEach(product);
    personal.interestProducts.forEach(product);
    personal.videos.forEach(video);
    personal.upcoming.forEach(live);
  }
  return [...best.values()]
    .sort((a, b) => b.s - a.s || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, MAX_FEED_ITEMS);
}
