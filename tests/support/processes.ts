import { readdirSync, readFileSync } from 'node:fs';

/** Whether a process of that id exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The processes whose parent is `pid` now, of program `name` if given (Linux: read from /proc; these tests run on
 * Linux). A service run through tsx has esbuild's helper among them besides its ffmpeg.
 */
export function childrenOf(pid: number, name?: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces and brackets, so read after its last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (ppid === pid && (name === undefined || comm === name)) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
