// Every drizzle table, one module per area; drizzle-kit reads this folder to write migrations/.
export * from './auth';
export * from './catalog';
export * from './discovery';
export * from './live';
export * from './orders';
export * from './social';
export * from './users';
