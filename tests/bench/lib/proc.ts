/** /proc helpers for the benchmarks: CPU time of a process tree, what is left running at the end. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  cpuMs: number;
  state: string;
}

export function procTable(): Map<number, ProcInfo> {
  const table = new Map<number, ProcInfo>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      // After "pid (comm) ": state ppid ... utime(idx 11) stime(idx 12)
      table.set(Number(name), {
        pid: Number(name),
        ppid: Number(f[1]),
        comm,
        cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK,
        state: f[0] ?? '?',
      });
    } catch {
      // the process ended while we read
    }
  }
  return table;
}

/** Every descendant of `root` (not root itself), skipping the subtrees of `exclude`. */
export function descendants(table: Map<number, ProcInfo>, root: number, exclude: number[] = []): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of table.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      if (exclude.includes(c.pid)) continue;
      out.push(c);
      walk(c.pid);
    }
  };
  walk(root);
  return out;
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Machine-wide CPU time from /proc/stat, in ms summed over all cores: busy (not idle, not iowait) and iowait. */
export function machineCpu(): { busyMs: number; iowaitMs: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const toMs = (t: number) => (t * 1000) / CLK_TCK;
    return { busyMs: toMs(user + nice + system + irq + softirq + steal), iowaitMs: toMs(iowait) };
  } catch {
    return { busyMs: NaN, iowaitMs: NaN };
  }
}
