/**
 * What a benchmark started and must stop, even when it fails half-way: each stop runs at most once, at most 20 s,
 * and a failing one is logged, never thrown (the others still run).
 */
interface CleanupItem {
  name: string;
  fn: () => Promise<void> | void;
}

export function createCleanups(log: (line: string) => void) {
  const cleanups: CleanupItem[] = [];
  const run = async (item: CleanupItem): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(item.fn),
        new Promise((_r, reject) => {
          timer = setTimeout(() => reject(new Error('did not stop within 20 s')), 20_000);
        }),
      ]);
    } catch (err) {
      log(`cleanup of ${item.name} failed: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    /** Registers a stop; the returned function runs it now (once) and unregisters it. */
    onCleanup(name: string, fn: () => Promise<void> | void): () => Promise<void> {
      const item = { name, fn };
      cleanups.push(item);
      return async () => {
        const i = cleanups.indexOf(item);
        if (i === -1) return;
        cleanups.splice(i, 1);
        await run(item);
      };
    },
    /** Everything still registered, newest first. */
    async cleanupAll(): Promise<void> {
      while (cleanups.length) await run(cleanups.pop()!);
    },
  };
}
