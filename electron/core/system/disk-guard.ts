import type { Knex } from 'knex';
import { existsSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { NOTICE_DISK_FULL, NOTICE_DISK_LOW, NOTICE_DISK_RECOVERED } from '../../../shared/contract';
import { DEFAULT_LOCALE, type Locale } from '../../../shared/domain/text';
import { MESSAGES } from '../../../shared/i18n';
import { wordNotice } from '../../../shared/i18n/notices';
import { listBackups } from '../db/backup';
import { removeBackupAnchor } from '../audit/anchors';
import { isDiskFull } from '../errors';
import type { Notify } from '../feature';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';

export interface DiskSettings {
  /** Below this much free space what can give way is removed, and the operators are warned (default 1024 MB). */
  warnFreeMb?: number | undefined;
  /** Below this the disk counts as full: an error notice, new snapshots refused (default 256 MB). */
  criticalFreeMb?: number | undefined;
  /** How often free space is read (default 10 s); a write that fails for want of space reads it at once. */
  checkMs?: number | undefined;
  /** The newest backups, never removed to make room (default 2). */
  keepBackups?: number | undefined;
}

export type DiskState = 'ok' | 'low' | 'full';

/** Free space of the file system holding `path`, in bytes (fs.statfs; tests inject their own). */
export type FreeSpace = (path: string) => Promise<number>;

export const statfsFree: FreeSpace = async (path) => {
  const s = await statfs(path);
  return s.bavail * s.bsize;
};

const MB = 1024 * 1024;

interface Prunable {
  file: string;
  bytes: number;
  at: number;
}

function filesIn(dir: string, keep: (name: string) => boolean): Prunable[] {
  if (!existsSync(dir)) return [];
  const out: Prunable[] = [];
  for (const name of readdirSync(dir)) {
    if (!keep(name)) continue;
    try {
      const s = statSync(join(dir, name));
      if (s.isFile()) out.push({ file: join(dir, name), bytes: s.size, at: s.mtimeMs });
    } catch {
      // removed meanwhile
    }
  }
  return out.sort((a, b) => a.at - b.at || (a.file < b.file ? -1 : 1));
}

/**
 * Watches the free space of the data directory's file system. Below the warning level it removes, oldest first
 * and only as much as needed, what can give way — rotated log files, then camera snapshots (incident snapshots
 * are evidence and stay), then backups beyond the newest few — and tells the operators once. Below the critical
 * level the disk counts as full: an error notice, and new snapshots are refused so the database keeps the
 * space that is left. The database itself is never touched; SQLite refuses a write it cannot complete
 * (SQLITE_FULL) and rolls it back whole. When space is back, `onRecovered` lets what failed be written again.
 */
export class DiskGuard {
  private state: DiskState = 'ok';
  private timer: unknown;
  private checking: Promise<DiskState> | undefined;
  private again = false;
  /** A write failed for want of space since the last check: make room even if the disk seemed fine. */
  private failing = false;
  private lastFreeMb = NaN;
  private readonly recovered = new Set<() => void>();

  constructor(
    private readonly o: {
      dataDir: string;
      db: Knex;
      clock: Clock;
      log: Logger;
      notify: Notify;
      settings?: DiskSettings | undefined;
      freeSpace?: FreeSpace | undefined;
      locale?: Locale | undefined;
    },
  ) {
    // Every failed query of the database passes here: a write refused for want of space is news at once.
    o.db.on('query-error', (err: unknown) => {
      if (isDiskFull(err)) this.writeFailed(err);
    });
  }

  private get warnBytes(): number {
    return (this.o.settings?.warnFreeMb ?? 1024) * MB;
  }

  private get criticalBytes(): number {
    return (this.o.settings?.criticalFreeMb ?? 256) * MB;
  }

  get status(): { state: DiskState; freeMb: number } {
    return { state: this.state, freeMb: this.lastFreeMb };
  }

  /** New recordings (snapshots) give way to the database while the disk is full. */
  get full(): boolean {
    return this.state === 'full';
  }

  /** Called when the disk is no longer full: what failed meanwhile can be written again. */
  onRecovered(fn: () => void): () => void {
    this.recovered.add(fn);
    return () => this.recovered.delete(fn);
  }

  start(): Promise<DiskState> {
    this.timer = this.o.clock.setInterval(() => void this.check(), this.o.settings?.checkMs ?? 10_000);
    return this.check();
  }

  stop(): void {
    if (this.timer !== undefined) this.o.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A write failed for want of space (a hub event, an operator's action): look at the disk now. */
  writeFailed(err: unknown): void {
    if (this.state !== 'full') this.o.log.error('a write failed: the disk is full', { error: String(err) });
    this.failing = true;
    void this.check();
  }

  /** Reads free space, prunes if needed, and tells of a change of state. Calls during a check fold into one more. */
  check(): Promise<DiskState> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = (async () => {
      let state = this.state;
      do {
        this.again = false;
        try {
          state = await this.checkOnce();
        } catch (err) {
          this.o.log.error('checking free disk space failed', { error: (err as Error).message });
        }
      } while (this.again);
      this.checking = undefined;
      return state;
    })();
    return this.checking;
  }

  private classify(bytes: number): DiskState {
    return bytes < this.criticalBytes ? 'full' : bytes < this.warnBytes ? 'low' : 'ok';
  }

  private async checkOnce(): Promise<DiskState> {
    const free = () => (this.o.freeSpace ?? statfsFree)(this.o.dataDir);
    let bytes = await free();
    const found = this.classify(bytes);
    let freed = 0;
    const failed = this.failing;
    this.failing = false;
    if (found !== 'ok' || failed) {
      for (const candidates of this.prunable()) {
        for (const c of candidates) {
          if (bytes >= this.warnBytes) break;
          try {
            rmSync(c.file, { force: true });
            if (c.file.endsWith('.sqlite')) removeBackupAnchor(c.file);
          } catch (err) {
            this.o.log.warn('could not remove a file to make room', {
              file: c.file,
              error: (err as Error).message,
            });
            continue;
          }
          freed += c.bytes;
          this.o.log.warn('removed to make room on the disk', { file: c.file, bytes: c.bytes });
          bytes = await free();
        }
      }
    }
    this.lastFreeMb = Math.floor(bytes / MB);
    const next = this.classify(bytes);
    const was = this.state;
    this.state = next;
    this.tell(was, found, next, Math.round(freed / MB));
    return next;
  }

  /** What can give way, in the order it does: old log files, snapshots, old backups; each oldest first. */
  private prunable(): Prunable[][] {
    const { dataDir } = this.o;
    const logs = join(dataDir, 'logs');
    let current = '';
    try {
      current = realpathSync(join(logs, 'current.log'));
    } catch {
      // no link (Windows, or no file yet)
    }
    const oldLogs = filesIn(logs, (n) => n.endsWith('.log') && n !== 'current.log')
      .filter((f) => f.file !== current)
      // The newest file is the one being written, link or not.
      .slice(0, -1);
    const snapshots = filesIn(
      join(dataDir, 'snapshots'),
      (n) => n.endsWith('.png') && !/-incident-\d{8}-\d{6}-\d{3}\.png$/.test(n),
    );
    const keep = Math.max(1, this.o.settings?.keepBackups ?? 2);
    // Newest first from listBackups; the ones past `keep` go, oldest first.
    const backups = listBackups(join(dataDir, 'backups'))
      .slice(keep)
      .reverse()
      .map((b) => {
        let bytes = 0;
        try {
          bytes = statSync(b.file).size;
        } catch {
          // removed meanwhile
        }
        return { file: b.file, bytes, at: b.at };
      });
    return [oldLogs, snapshots, backups];
  }

  /**
   * What the operators hear: that the disk is full (at once, once); that space ran low, with what was removed
   * (also when removing it was enough); that space is back. `found` is the state before anything was removed.
   */
  private tell(was: DiskState, found: DiskState, now: DiskState, freedMb: number): void {
    const freeMb = this.lastFreeMb;
    const tell = (level: 'info' | 'warning' | 'error', code: string, params: Record<string, number>) =>
      this.o.notify(
        level,
        code,
        wordNotice(MESSAGES[this.o.locale ?? DEFAULT_LOCALE], { code, params }) ?? code,
        { params },
      );
    if (now === 'full') {
      if (was === 'full') return;
      this.o.log.error('the disk is full', { freeMb, freedMb });
      tell('error', NOTICE_DISK_FULL, { freeMb });
      return;
    }
    if (was === 'ok' && found !== 'ok') {
      this.o.log.warn('disk space was low', { freeMb, freedMb });
      tell('warning', NOTICE_DISK_LOW, { freeMb, freedMb });
    } else if (was === 'full') {
      // Writes have room again; if still low, the operators hear that too.
      this.o.log.info('the disk is no longer full', { freeMb, freedMb });
      tell(now === 'ok' ? 'info' : 'warning', now === 'ok' ? NOTICE_DISK_RECOVERED : NOTICE_DISK_LOW, {
        freeMb,
        freedMb,
      });
    } else if (was === 'low' && now === 'ok') {
      this.o.log.info('disk space is back', { freeMb });
      tell('info', NOTICE_DISK_RECOVERED, { freeMb });
    }
    if (was !== 'full') return;
    for (const fn of this.recovered) {
      try {
        fn();
      } catch (err) {
        this.o.log.error('after disk recovery', { error: (err as Error).message });
      }
    }
  }
}
