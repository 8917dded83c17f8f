import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

function newClient(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Db = ReturnType<typeof newClient>;

/** One client per D1 binding. No connection is held, but building one reads the whole schema (~66 µs). */
const clients = new WeakMap<D1Database, Db>();

/** A drizzle client over the D1 binding. */
export function createDb(d1: D1Database): Db {
  let db = clients.get(d1);
  if (!db) {
    db = newClient(d1);
    clients.set(d1, db);
  }
  return db;
}
