// The benchmark harness: start a server, compare targets against its bare route, print a table.
// See scripts/bench/lib/README.md for the API and an example.
export { measureBundle } from './bundle.mjs';
export { median, runComparison } from './compare.mjs';
export { openLoadProcess, runLoad } from './load.mjs';
export { cpuMs, findDescendants } from './proc-cpu.mjs';
export { allPassed, formatTable, judge, printTable } from './report.mjs';
export { applyMigrations, benchStateDir, root, startMiniflareServer, startWranglerDev } from './servers.mjs';
