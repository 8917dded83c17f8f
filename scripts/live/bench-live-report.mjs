// Figures and tables for `npm run bench:live` (see bench-live.mjs for what is measured).

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ascending = (values) => [...values].sort((a, b) => a - b);

/**
 * @param viewers per viewer: `received` as [id, receivedAt, id, receivedAt, …] and its out-of-order count
 * @param sent `at`: update id → when the host request was sent; `acks`: host request durations
 */
export function summarize(viewers, sent) {
  const all = [];
  const first = new Map();
  const last = new Map();
  let received = 0;
  let outOfOrder = 0;
  for (const v of viewers) {
    outOfOrder += v.outOfOrder;
    for (let i = 0; i < v.received.length; i += 2) {
      const t0 = sent.at.get(v.received[i]);
      if (t0 === undefined) continue;
      const ms = v.received[i + 1] - t0;
      all.push(ms);
      received += 1;
      first.set(v.received[i], Math.min(first.get(v.received[i]) ?? Number.POSITIVE_INFINITY, ms));
      last.set(v.received[i], Math.max(last.get(v.received[i]) ?? 0, ms));
    }
  }
  const inOrder = (byId) => [...byId].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  const latency = ascending(all);
  const firsts = ascending(first.values());
  const lasts = ascending(last.values());
  const acks = ascending(sent.acks);
  return {
    viewers: viewers.length,
    latency: [50, 95, 99].map((p) => pct(latency, p)).concat(latency.at(-1)),
    firstP50: pct(firsts, 50),
    last: [pct(lasts, 50), pct(lasts, 95), lasts.at(-1)],
    ackP50: pct(acks, 50),
    lost: viewers.length * sent.at.size - received,
    outOfOrder,
    perUpdate: { first: inOrder(first), last: inOrder(last) },
  };
}

const ms = (v) => (v === undefined ? 'n/a' : v.toFixed(1));
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

export function printReport(runs, { updates, warmup, intervalMs, persistTo, trace }) {
  console.log(
    `\n## bench:live — ${updates} host updates per server, round-robin ${intervalMs} ms apart (after ${warmup} warm-up), ${new Date().toISOString()}\n`,
  );
  console.log(`Our D1 and object storage: ${persistTo}\n`);
  console.log(
    '| viewers | server | latency p50 / p95 / p99 / max (ms) | first viewer p50 (ms) | last viewer p50 / p95 / max (ms) | lost | out of order | memory / viewer | host request p50 | connect all |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const { count, results } of runs) {
    for (const r of results) {
      console.log(
        `| ${count} | ${r.server.name} | ${r.latency.map(ms).join(' / ')} | ${ms(r.firstP50)} | ${r.last.map(ms).join(' / ')} | ${r.lost} | ${r.outOfOrder} | ${r.memoryPerViewerKiB.toFixed(1)} KiB | ${ms(r.ackP50)} ms | ${r.connectMs} ms |`,
      );
    }
  }
  console.log(
    '\n| viewers | last-viewer p95 ours ÷ Socket.IO (target ≤ 1.0×) | last-viewer p50 ours ÷ Socket.IO | ours ÷ bare object (p95 / p50) | memory / viewer ours (target ≤ 30 KB) / bare | zero lost & reordered |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const { count, results } of runs) {
    const [ours, bare, sio] = ['ours', 'bare', 'sio'].map((key) => results.find((r) => r.server.key === key));
    const clean = results.every((r) => r.lost === 0 && r.outOfOrder === 0);
    console.log(
      `| ${count} | ${ratio(ours.last[1], sio.last[1])} | ${ratio(ours.last[0], sio.last[0])} | ${ratio(ours.last[1], bare.last[1])} / ${ratio(ours.last[0], bare.last[0])} | ${ours.memoryPerViewerKiB.toFixed(1)} / ${bare.memoryPerViewerKiB.toFixed(1)} KiB | ${clean ? 'yes' : 'NO'} |`,
    );
  }
  if (!trace) return;
  console.log('\nEach update, in order: first viewer / last viewer (ms)');
  for (const { count, results } of runs) {
    for (const r of results) {
      const pairs = r.perUpdate.first.map((f, i) => `${f.toFixed(0)}/${r.perUpdate.last[i].toFixed(0)}`);
      console.log(`- ${count} ${r.server.key}: ${pairs.join(' ')}`);
    }
  }
}
