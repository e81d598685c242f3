import type { ChildProcess } from 'node:child_process';

/**
 * The long-lived processes this process started (ffmpeg: the recorders, the live gateway's workers, playback), so
 * that whoever supervises it — the web host's supervisor, the Electron shell — can end them when it dies without
 * doing so itself (SIGKILL, a native crash, the watchdog). A killed parent does not take its children along: they
 * would go on recording and encoding, unowned, beside the next service's own. The web host's supervisor also kills
 * the service's process group, but there are no groups on Windows, nor for Electron's utility process.
 */
export const MAX_REPORTED_CHILDREN = 512;

const pids = new Set<number>();
const listeners = new Set<(pids: readonly number[]) => void>();

function changed(): void {
  const list = [...pids];
  for (const listener of listeners) listener(list);
}

/** Counts `child` among this process's children until it exits; returns it, for `return tracked(spawn(…))`. */
export function tracked<T extends Pick<ChildProcess, 'pid' | 'once'>>(child: T): T {
  const pid = child.pid;
  // No pid: the spawn failed (its 'error' follows) and there is nothing to end.
  if (pid === undefined || pids.size >= MAX_REPORTED_CHILDREN) return child;
  pids.add(pid);
  changed();
  child.once('exit', () => {
    pids.delete(pid);
    changed();
  });
  return child;
}

/**
 * Calls `report` with the children's pids whenever they change, at most every `everyMs` (a burst of starts is one
 * report); returns the unsubscribe.
 */
export function onChildren(report: (pids: readonly number[]) => void, everyMs = 200): () => void {
  let timer: NodeJS.Timeout | undefined;
  let latest: readonly number[] = [];
  const listener = (list: readonly number[]) => {
    latest = list;
    timer ??= setTimeout(() => {
      timer = undefined;
      report(latest);
    }, everyMs);
    timer.unref();
  };
  listeners.add(listener);
  // Children started before the subscription are reported too.
  if (pids.size > 0) listener([...pids]);
  return () => {
    listeners.delete(listener);
    clearTimeout(timer);
  };
}

/**
 * The pids a child reported, checked: at most `MAX_REPORTED_CHILDREN` positive integers, else none (a message that
 * is not a list of pids names nothing to kill).
 */
export function reportedPids(value: unknown): number[] {
  if (!Array.isArray(value) || value.length > MAX_REPORTED_CHILDREN) return [];
  return value.every((p) => Number.isSafeInteger(p) && p > 1) ? (value as number[]) : [];
}

/** Ends the children a dead process left behind (each at most once; one already gone is no error). */
export function killOrphans(
  list: readonly number[],
  kill = (pid: number) => process.kill(pid, 'SIGKILL'),
): number {
  let killed = 0;
  for (const pid of list) {
    try {
      kill(pid);
      killed += 1;
    } catch {
      // gone already (ESRCH), as when it stopped with its parent
    }
  }
  return killed;
}
