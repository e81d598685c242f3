import { execFile } from 'node:child_process';
import { rmSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from '../../common/log';
import { fileSize, segmentFiles, segmentStart, trimToLastFragment } from './files';

export interface SegmentRow {
  id: number;
  camera: string;
  path: string;
  start_ms: number;
  end_ms: number;
  bytes: number;
  protected: number;
}

/** ffprobe next to the ffmpeg in use (`/usr/bin/ffmpeg` → `/usr/bin/ffprobe`, `ffmpeg.exe` → `ffprobe.exe`). */
export function ffprobeFor(ffmpeg: string): string {
  const name = basename(ffmpeg).replace(/ffmpeg/i, 'ffprobe');
  return dirname(ffmpeg) === '.' ? name : join(dirname(ffmpeg), name);
}

/** Seconds of video a segment holds (its last packet's end), by ffprobe; undefined when it holds none. */
export function probeSeconds(ffprobe: string, file: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(
      ffprobe,
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'packet=pts_time,duration_time',
        '-of',
        'csv=p=0',
        file,
      ],
      { timeout: 20_000, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return resolve(undefined);
        let end = 0;
        let packets = 0;
        for (const line of stdout.split('\n')) {
          const [pts, dur] = line.split(',').map(Number);
          if (pts === undefined || !Number.isFinite(pts)) continue;
          packets += 1;
          end = Math.max(end, pts + (Number.isFinite(dur) ? (dur ?? 0) : 0));
        }
        resolve(packets > 0 ? end : undefined);
      },
    );
  });
}

/** The segment index: rows written when a segment closes, or when start finds a file nobody indexed. */
export class SegmentStore {
  constructor(
    private readonly db: Knex,
    readonly root: string,
    private readonly log: Logger,
  ) {}

  async add(row: Omit<SegmentRow, 'id' | 'protected'>): Promise<void> {
    await this.db('recordings')
      .insert({ ...row, protected: 0 })
      .onConflict('path')
      .merge(['end_ms', 'bytes']);
    // When the console first recorded this camera: the retention check's "recorded long enough to judge".
    await this.db.raw(
      'INSERT INTO recording_cameras (camera, first_ms) VALUES (?, ?) ' +
        'ON CONFLICT(camera) DO UPDATE SET first_ms = excluded.first_ms WHERE excluded.first_ms < first_ms',
      [row.camera, row.start_ms],
    );
  }

  /** Closed segments of a camera overlapping [from, to), oldest first. */
  async range(camera: string, from: number, to: number): Promise<SegmentRow[]> {
    return (await this.db('recordings')
      .where('camera', camera)
      .andWhere('end_ms', '>', from)
      .andWhere('start_ms', '<', to)
      .orderBy('start_ms')) as SegmentRow[];
  }

  async newest(camera: string): Promise<SegmentRow | undefined> {
    return (await this.db('recordings').where('camera', camera).orderBy('start_ms', 'desc').first()) as
      SegmentRow | undefined;
  }

  async summary(camera: string): Promise<{ oldest: number | null; bytes: number }> {
    const row = (await this.db('recordings')
      .where('camera', camera)
      .min({ oldest: 'start_ms' })
      .sum({ bytes: 'bytes' })
      .first()) as { oldest: number | null; bytes: number | null } | undefined;
    return { oldest: row?.oldest ?? null, bytes: Number(row?.bytes ?? 0) };
  }

  /** Marks the segments covering [from, to) as evidence: retention passes them by. */
  async protect(camera: string, from: number, to: number): Promise<number> {
    return this.db('recordings')
      .where('camera', camera)
      .andWhere('end_ms', '>', from)
      .andWhere('start_ms', '<', to)
      .update({ protected: 1 });
  }

  /** Deletes segments: files first, then their rows, in one transaction per batch. */
  async remove(rows: readonly SegmentRow[]): Promise<number> {
    for (const r of rows) {
      try {
        unlinkSync(join(this.root, r.path));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
          this.log.warn('recording segment could not be deleted', {
            path: r.path,
            error: (err as Error).message,
          });
      }
    }
    await this.db('recordings')
      .whereIn(
        'id',
        rows.map((r) => r.id),
      )
      .delete();
    return rows.reduce((n, r) => n + r.bytes, 0);
  }

  /**
   * Makes the index agree with the disk, before the camera's recorder starts: rows whose file is gone are
   * dropped; files without a row (the segment open when the console stopped or crashed) are cut back to their
   * last complete fragment, checked with ffprobe and indexed, or deleted when they hold no picture.
   */
  async reconcile(
    camera: string,
    ffprobe: string,
  ): Promise<{ dropped: number; indexed: number; deleted: number }> {
    const rows = (await this.db('recordings').where('camera', camera)) as SegmentRow[];
    const known = new Set(rows.map((r) => r.path));
    const files = segmentFiles(this.root, camera);
    const onDisk = new Set(files);
    const gone = rows.filter((r) => !onDisk.has(r.path));
    for (let i = 0; i < gone.length; i += 500)
      await this.db('recordings')
        .whereIn(
          'id',
          gone.slice(i, i + 500).map((r) => r.id),
        )
        .delete();
    let indexed = 0;
    let deleted = 0;
    for (const path of files.filter((f) => !known.has(f))) {
      const file = join(this.root, path);
      const start = segmentStart(basename(path));
      let seconds: number | undefined;
      try {
        if (trimToLastFragment(file) > 0) seconds = await probeSeconds(ffprobe, file);
      } catch (err) {
        this.log.warn('recording segment could not be read', { path, error: (err as Error).message });
      }
      if (start === undefined || seconds === undefined || seconds <= 0) {
        rmSync(file, { force: true });
        deleted += 1;
        continue;
      }
      await this.add({
        camera,
        path,
        start_ms: start,
        end_ms: start + Math.round(seconds * 1000),
        bytes: fileSize(file) ?? 0,
      });
      indexed += 1;
    }
    if (gone.length || indexed || deleted)
      this.log.info('recordings reconciled with the disk', {
        camera,
        dropped: gone.length,
        indexed,
        deleted,
      });
    return { dropped: gone.length, indexed, deleted };
  }
}
