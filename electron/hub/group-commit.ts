/**
 * Group commit: what is submitted while a write runs waits and is written together in the next one (one
 * transaction, one fsync under `synchronous=FULL`), in the order it came, at most `max` at a time. Each submitter
 * hears its own result once its group is on disk, or the group's error. The site hub's `publish` and the
 * equipment's reports share it; `write` is theirs (it opens the transaction and returns one result per item).
 */
export class GroupCommit<T, R> {
  private waiting: { item: T; resolve(r: R): void; reject(err: Error): void }[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly max: number,
    private readonly onError?: (err: Error, n: number) => void,
  ) {}

  /** Submitted and not yet handed to a write (/metrics: the write queue). */
  get waitingCount(): number {
    return this.waiting.length;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.max);
        try {
          const results = await this.write(group.map((w) => w.item));
          group.forEach((w, i) => w.resolve(results[i]!));
        } catch (err) {
          this.onError?.(err as Error, group.length);
          for (const w of group) w.reject(err as Error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
