/**
 * Prefixed, sortable ids (`prd_01J…`): a type prefix plus a monotonic ULID, so ids sort by creation
 * time and an id alone tells which resource it names.
 */
import { monotonicFactory } from 'ulidx';

export const idPrefixes = {
  user: 'usr',
  product: 'prd',
  variant: 'var',
  liveSession: 'liv',
  order: 'ord',
  post: 'pst',
  video: 'vid',
  share: 'shr',
  hold: 'hld',
  comment: 'cmt',
  review: 'rev',
  refreshToken: 'rft',
  payment: 'pay',
  report: 'rpt',
  segment: 'seg',
  session: 'ses',
  audit: 'aud',
} as const;

export type IdKind = keyof typeof idPrefixes;

const ulid = monotonicFactory();

/** @example newId('product') // 'prd_01JD3…' */
export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${idPrefixes[kind]}_${ulid(now).toLowerCase()}`;
}

/**
 * What an id of one kind looks like, for a 400's message. The usual slip is a ULID written upper-case (its
 * canonical form), which the pattern refuses, so the message says lower-case.
 */
export function idFormat(kind: IdKind): string {
  return `a ${kind} id: ${idPrefixes[kind]}_ followed by 26 lower-case letters or digits`;
}

/** A regex for ids of one kind, for zod `.regex()` on path parameters. */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${idPrefixes[kind]}_[0-9a-z]{26}$`);
}
