// Turning rows into SQL text that `wrangler d1 execute --file` applies. INSERT OR IGNORE with deterministic
// ids makes every statement safe to run twice.

export function literal(value) {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'`;
}

/** Multi-row INSERT OR IGNORE statements, each kept well under D1's 100 KB statement limit. */
export function insertRows(table, rows, maxBytes = 60_000) {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]);
  const head = `INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES\n`;
  const statements = [];
  let values = [];
  let size = head.length;
  for (const row of rows) {
    const tuple = `(${columns.map((c) => literal(row[c])).join(', ')})`;
    if (values.length > 0 && size + tuple.length > maxBytes) {
      statements.push(`${head}${values.join(',\n')};`);
      values = [];
      size = head.length;
    }
    values.push(tuple);
    size += tuple.length + 2;
  }
  statements.push(`${head}${values.join(',\n')};`);
  return statements;
}
