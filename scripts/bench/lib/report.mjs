// Renders a runComparison() result as a Markdown table (readable in a terminal, pasteable into BENCHMARKS.md),
// with optional per-target goals judged PASS / MISS.

/**
 * @typedef {object} Goal
 * @property {number} [minRatio] e.g. 0.5 = at least 50 % of the bare route's req/s
 * @property {number} [maxOneConnectionP95Ms] p95 latency at one connection
 */

const ms = (v) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : '–');
const pct = (v) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : '–');
const trio = (p) => (p ? `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)}` : '–');

/**
 * Judges one target against its goal.
 * @returns {{ pass: boolean, notes: string[] } | null} null when there is no goal
 */
export function judge(summary, goal) {
  if (summary.failures > 0) {
    const seen = Object.entries(summary.statuses)
      .map(([status, count]) => `${count}×${status}`)
      .join(', ');
    return { pass: false, notes: [`INVALID: ${summary.failures} failed responses (${seen})`] };
  }
  if (!goal) return null;
  const notes = [];
  if (goal.minRatio !== undefined && !(summary.ratio >= goal.minRatio)) {
    notes.push(`req/s ${pct(summary.ratio)} < ${pct(goal.minRatio)}`);
  }
  const p95 = summary.oneConnectionMs?.p95;
  if (goal.maxOneConnectionP95Ms !== undefined && !(p95 <= goal.maxOneConnectionP95Ms)) {
    notes.push(`p95@1 ${ms(p95)} ms > ${goal.maxOneConnectionP95Ms} ms`);
  }
  return { pass: notes.length === 0, notes };
}

/**
 * @param {Awaited<ReturnType<typeof import('./compare.mjs').runComparison>>} result
 * @param {Record<string, Goal>} [goals] by target name
 * @returns {string} the Markdown table
 */
export function formatTable(result, goals = {}) {
  const c = result.connections;
  const head = [
    'target',
    'req/s',
    'vs bare',
    'goal',
    `p50 / p95 / p99 @${c} conn (ms)`,
    'p50 / p95 / p99 @1 conn (ms)',
    'goal p95 @1',
    'runtime process CPU / req (ms)',
    'result',
  ];
  const rows = [result.baseline, ...result.targets].map((s, i) => {
    const goal = i === 0 ? undefined : goals[s.name];
    const verdict = judge(s, goal);
    return [
      s.name,
      Math.round(s.reqPerSec).toLocaleString('en-US'),
      i === 0 ? '100 %' : pct(s.ratio),
      goal?.minRatio !== undefined ? `≥ ${pct(goal.minRatio)}` : '',
      trio(s.saturationMs),
      trio(s.oneConnectionMs),
      goal?.maxOneConnectionP95Ms !== undefined ? `≤ ${goal.maxOneConnectionP95Ms} ms` : '',
      ms(s.cpuMsPerRequest),
      verdict ? (verdict.pass ? 'PASS' : `MISS: ${verdict.notes.join('; ')}`) : '',
    ];
  });
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Prints the table under a heading naming the server and the run's shape. */
export function printTable(result, goals = {}) {
  console.log(
    `\n### ${result.server} — ${result.connections} connections, ${result.rounds} interleaved rounds × ${result.durationSec} s, medians\n`,
  );
  console.log(formatTable(result, goals));
}

/** True when every target with a goal passed and no target had failed responses. */
export function allPassed(result, goals = {}) {
  return result.targets.every((s) => judge(s, goals[s.name])?.pass !== false);
}
