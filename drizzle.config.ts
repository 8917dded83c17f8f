import { defineConfig } from 'drizzle-kit';

// drizzle-kit writes the SQL in migrations/; wrangler applies it (`wrangler d1 migrations apply`).
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});
