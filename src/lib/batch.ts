/** `db.batch` for a statement list whose length is only known at run time (D1 batches are atomic). */
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';

export async function batchAll(db: Db, statements: BatchItem<'sqlite'>[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  return first ? db.batch([first, ...rest]) : [];
}
