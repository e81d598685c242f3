/** /proc helpers for the benchmarks: CPU time of processes, what a run started and what it left running. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in clock ticks and in ms. */
  cpuTicks: number;
  cpuMs: number;
  /** When it started, in clock ticks after boot: with the pid, it tells a process from a later one reusing the pid. */
  startTicks: number;
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
      // After "pid (comm) ": f[0] is field 3 (state); utime = field 14, stime = 15, starttime = 22.
      const f = stat
        .slice(close + 2)
        .trim()
        .split(' ');
      const cpuTicks = Number(f[11]) + Number(f[12]);
      table.set(Number(name), {
        pid: Number(name),
        ppid: Number(f[1]),
        comm,
        cpuTicks,
        cpuMs: (cpuTicks * 1000) / CLK_TCK,
        startTicks: Number(f[19]),
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

/** The kinds of process a benchmark starts and must stop (and that, started by someone else, disturb it). */
export function kindOf(p: ProcInfo): 'chromium' | 'ffmpeg' | 'rtsp-server' | 'other' {
  const cmd = cmdline(p.pid);
  if (p.comm.startsWith('chrom') || /\/chromium\b|chrome_crashpad/.test(cmd)) return 'chromium';
  if (p.comm === 'ffmpeg' || /(^|\/)ffmpeg\s/.test(cmd)) return 'ffmpeg';
  if (cmd.includes('rtsp-server.py')) return 'rtsp-server';
  return 'other';
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

/** tsx's esbuild service lives as long as this process and is not the benchmark's to stop. */
const isTooling = (p: ProcInfo) => /esbuild.* --service/.test(cmdline(p.pid));

/**
 * Notes every process this run starts (seen as a descendant, once a second and on `track()`), so that one that
 * outlives its parent (reparented to init) still counts as ours at the end.
 */
export function createProcessTracker() {
  const seen = new Map<number, number>();
  const self = procTable().get(process.pid)?.startTicks ?? 0;
  const track = () => {
    for (const p of descendants(procTable(), process.pid))
      if (!seen.has(p.pid) && !isTooling(p)) seen.set(p.pid, p.startTicks);
  };
  const timer = setInterval(track, 1000);
  timer.unref();
  return {
    track,
    /**
     * What is still running of ours (zombies excluded), waiting up to 5 s for processes on their way out; and
     * Chromium, ffmpeg or RTSP servers someone else started meanwhile (this machine is shared: they disturb the
     * figures).
     */
    async leftovers(): Promise<{ ours: string[]; others: string[] }> {
      clearInterval(timer);
      let ours: string[] = [];
      let others: string[] = [];
      for (let i = 0; i < 20; i++) {
        track();
        ours = [];
        others = [];
        for (const p of procTable().values()) {
          if (p.pid === process.pid || p.state === 'Z') continue;
          const kind = kindOf(p);
          const line = `${p.pid} ${kind}: ${cmdline(p.pid).slice(0, 100)}`;
          if (seen.get(p.pid) === p.startTicks) ours.push(line);
          else if (kind !== 'other' && p.startTicks >= self) others.push(line);
        }
        if (ours.length === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      return { ours, others };
    },
  };
}
