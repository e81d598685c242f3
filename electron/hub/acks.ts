import type { Clock } from '../common/clock';
import type { Logger } from '../common/log';
import type { HubStore } from './storage';

/**
 * How far each console has acknowledged (`hub_consoles.acked_seq`). A console acknowledges every event, and each
 * write is a synchronous commit that holds the hub's one thread for an fsync: written per ack, they were a third of
 * the hub's commits in a flood, and a panel's ACK waited behind them. The stored value only reports progress (a
 * reconnecting console's `sync` says where it stands), so it is written at most every `everyMs`, all consoles in
 * one transaction; what is acknowledged and not yet on disk still counts when asked.
 */
export class AckLedger {
  /** Per console, the highest seq acknowledged and not yet handed to a write. */
  private readonly unwritten = new Map<string, number>();
  /** What the writes under way carry, until they are on disk. */
  private readonly writing = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private lastWrite: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: Pick<HubStore, 'db' | 'recordAcks'>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly everyMs = 1000,
  ) {}

  record(consoleId: string, seq: number): void {
    if (this.closed) return;
    this.unwritten.set(consoleId, Math.max(this.unwritten.get(consoleId) ?? 0, seq));
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.everyMs).unref();
  }

  /** The highest sequence the console has acknowledged as committed (only ever grows). */
  async acked(consoleId: string): Promise<number> {
    const row = (await this.store.db('hub_consoles').where({ console_id: consoleId }).first()) as
      { acked_seq: number } | undefined;
    return Math.max(
      row?.acked_seq ?? 0,
      this.writing.get(consoleId) ?? 0,
      this.unwritten.get(consoleId) ?? 0,
    );
  }

  /** Consoles whose acks are not yet on disk (/metrics: the ack backlog). */
  pending(): number {
    return this.unwritten.size + this.writing.size;
  }

  /** The hub stops: what is waiting is written, and nothing is kept for later after that. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Writes what is waiting now (the timer calls it, and `close`). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.unwritten.size === 0) return this.lastWrite;
    const acks = new Map(this.unwritten);
    this.unwritten.clear();
    for (const [consoleId, seq] of acks)
      this.writing.set(consoleId, Math.max(this.writing.get(consoleId) ?? 0, seq));
    this.lastWrite = this.lastWrite
      .then(async () => {
        // One transaction for all; never lowers a console's value (storage-*.ts: the engine's own upsert).
        await this.store.recordAcks(acks, this.clock.now());
      })
      .catch((err: Error) => {
        this.log.warn('recording acks failed (kept for the next write)', { error: err.message });
        for (const [consoleId, seq] of acks) this.record(consoleId, seq);
      })
      .finally(() => {
        // On disk now, or back in `unwritten` for the next write: a later write still under way keeps its own, higher entry.
        for (const [consoleId, seq] of acks)
          if (this.writing.get(consoleId) === seq) this.writing.delete(consoleId);
      });
    return this.lastWrite;
  }
}
