/**
 * D1 binds at most 100 parameters per statement (more fails with "too many SQL variables": a 500 for an
 * order of 13 lines, or an export of 101 orders). Two kinds of statement grow with the data, and each has one
 * helper here:
 * - a filter on a list of ids: `inList` binds the whole list as one JSON parameter and lets SQLite unpack it
 *   (`json_each`); the column's index is still used;
 * - a multi-row insert: `insertRows` spreads the rows over as many statements as needed. Run them in one
 *   `db.batch` so the insert stays all-or-nothing.
 */
import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';

export const D1_MAX_BOUND_PARAMETERS = 100;

/** `column IN (values)` for a list of any length (an empty list matches nothing). */
export function inList(column: SQLiteColumn, values: readonly (string | number)[]): SQL {
  return sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}

/** `rows` split so that an insert of each part binds at most D1_MAX_BOUND_PARAMETERS (one per column and row). */
export function insertChunks<T extends SQLiteTable>(table: T, rows: T['$inferInsert'][]): T['$inferInsert'][][] {
  const perStatement = Math.max(1, Math.floor(D1_MAX_BOUND_PARAMETERS / Object.keys(getTableColumns(table)).length));
  const chunks: T['$inferInsert'][][] = [];
  for (let i = 0; i < rows.length; i += perStatement) chunks.push(rows.slice(i, i + perStatement));
  return chunks;
}

/** Plain inserts of `rows` into `table`, as many statements as D1's limit needs (none for no rows). */
export function insertRows<T extends SQLiteTable>(db: Db, table: T, rows: T['$inferInsert'][]): BatchItem<'sqlite'>[] {
  return insertChunks(table, rows).map((chunk) => db.insert(table).values(chunk));
}
