// CPU time of runtime processes, read from Linux's /proc (utime + stime of /proc/<pid>/stat).
// This is the whole workerd process: our Worker, Miniflare's entry worker and the local D1/KV simulators
// that run inside it. It is an upper bound on what Cloudflare would bill as the Worker's CPU time.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second (almost always 100 on Linux, so one tick is 10 ms). */
export const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses, so split after the last ')'. */
function readStat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { comm, ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]) };
}

/** Every live process below `rootPid` whose command name is `name` (e.g. 'workerd'). */
export function findDescendants(rootPid, name) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { comm, ppid } = readStat(entry);
      parents.set(Number(entry), { ppid, comm });
    } catch {
      // The process exited while we were listing; ignore it.
    }
  }
  const found = [];
  for (const [pid, info] of parents) {
    if (info.comm !== name) continue;
    for (let up = info.ppid; up > 1; up = parents.get(up)?.ppid ?? 0) {
      if (up === rootPid) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

/** Total user + system CPU of `pids`, in milliseconds. Processes that have exited count as 0. */
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const { utime, stime } = readStat(pid);
      ticks += utime + stime;
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}
