import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { ClipExport, ClipFile, ClipRequest } from '../../../shared/contract';
import { GAP_MS, MAX_CLIP_MS } from '../../../shared/contract';
import type { LocalizedText } from '../../../shared/domain/text';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { ServiceError } from '../errors';
import type { Logger } from '../../common/log';
import { concatCopyArgs, concatList, type PlayPiece } from './play';
import { probeSeconds } from './store';

export interface ExportRow {
  id: string;
  alarm_id: string | null;
  incident_id: string | null;
  from_ms: number;
  to_ms: number;
  reason: string;
  operator_id: string;
  operator_name: string;
  exported_at: number;
  folder: string;
  files: string;
  gaps: number;
}

export interface NvrClipSource {
  spans(from: number, to: number): Promise<{ start: number; end: number }[]>;
  pullArgs(from: number, to: number): string[];
}

/** Where one camera's clip comes from: its spans in the range, and ffmpeg's input arguments to copy them. */
interface CameraPlan {
  cameraId: string;
  spans: { start: number; end: number }[];
  input(dir: string): { args: string[]; cleanup(): void; timeoutMs: number };
}

/** Copying segments already on disk takes seconds; an NVR sends its recording at about real time over RTSP. */
const COPY_TIMEOUT_MS = 120_000;

export interface ExportDeps {
  db: Knex;
  /** `<dataDir>/exports`: retention knows only the recordings root, so nothing here is ever deleted by it. */
  dir: string;
  ffmpeg: string;
  ffprobe: string;
  now(): number;
  newId(): string;
  log: Logger;
  version: string;
  consoleId: string;
  site(): { name: LocalizedText; timeZone: string; preRollSec: number; postRollSec: number };
  cameraName(id: string): LocalizedText | undefined;
  /** The alarm's cameras, time and incident; undefined when there is no such alarm. */
  alarm(
    id: string,
  ): Promise<{ cameras: string[]; raisedAt: number; incidentId?: string | undefined } | undefined>;
  /** A camera's recorded pieces over [from, to): the index's segments and the one being written. */
  pieces(cameraId: string, from: number, to: number): Promise<PlayPiece[]>;
  /**
   * A camera recorded on its NVR: the ffmpeg input arguments that pull [from, to) from it and the spans its
   * search finds; undefined for a camera the console records itself.
   */
  nvr?(cameraId: string): NvrClipSource | undefined;
  /** Keeps retention off a camera's segments over [from, to) until the returned function is called. */
  hold(cameraId: string, from: number, to: number): () => void;
}

/** `2026-12-01 08:30:00 GMT+08:00`: a time as the site's clocks show it, with its offset. */
export function localTime(t: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).format(t);
}

const stamp = (t: number) => new Date(t).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';

/** Parts of [from, to) that no span covers (spans oldest first), ignoring holes of up to GAP_MS. */
export function gapsIn(
  spans: readonly { start: number; end: number }[],
  from: number,
  to: number,
): { start: number; end: number }[] {
  const gaps: { start: number; end: number }[] = [];
  let at = from;
  for (const s of spans) {
    if (s.end <= at) continue;
    if (s.start >= to) break;
    if (s.start - at > GAP_MS) gaps.push({ start: at, end: s.start });
    at = Math.max(at, s.end);
  }
  if (to - at > GAP_MS) gaps.push({ start: at, end: to });
  return gaps;
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Copies the input into one MP4 by `-c copy` (no re-encoding), its index at the front. */
function copyToFile(ffmpeg: string, input: readonly string[], out: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      ffmpeg,
      [...input, '-movflags', '+faststart', '-f', 'mp4', '-y', out],
      { timeout: timeoutMs, windowsHide: true },
      (err, _stdout, stderr) =>
        err ? reject(new Error(`ffmpeg: ${String(stderr).trim().slice(0, 300) || err.message}`)) : resolve(),
    );
  });
}

export function toExportView(r: ExportRow): ClipExport {
  const files = JSON.parse(r.files) as ClipFile[];
  return {
    id: r.id,
    ...(r.alarm_id ? { alarmId: r.alarm_id } : {}),
    ...(r.incident_id ? { incidentId: r.incident_id } : {}),
    from: r.from_ms,
    to: r.to_ms,
    reason: r.reason,
    exportedBy: r.operator_name,
    exportedAt: r.exported_at,
    folder: r.folder,
    files,
    gaps: r.gaps === 1,
  };
}

/**
 * Evidence clips (issue 15): for every camera linked to an alarm or incident, the recording over the site's pre and
 * post roll (or a chosen range) joined by `-c copy` into one MP4 in its own export folder, with a SHA-256 per file,
 * `SHA256SUMS` (for `sha256sum -c`) and `manifest.json`. The segments used are held from retention while it runs;
 * the export is recorded in SQLite and the audit chain in one transaction once every file is written.
 */
export class ClipExporter {
  private running = 0;

  constructor(private readonly d: ExportDeps) {}

  async export(req: ClipRequest, actor: Actor): Promise<ClipExport> {
    const { from, to, cameras, alarmId, incidentId } = await this.resolve(req);
    if (cameras.length === 0)
      throw new ServiceError('conflict', 'This alarm or incident names no camera.', 'no_linked_cameras');
    // Each export is an ffmpeg per camera: two exports at once are plenty for one desk.
    if (this.running >= 2)
      throw new ServiceError('unavailable', 'Two clips are being exported already; try again in a moment.');
    this.running += 1;
    const releases = cameras.map((c) => this.d.hold(c, from, to));
    const id = this.d.newId();
    const folder = `${stamp(from)}_${alarmId ?? incidentId ?? 'range'}_${id.slice(0, 8)}`;
    const dir = join(this.d.dir, folder);
    try {
      const plan = await Promise.all(cameras.map((cameraId) => this.plan(cameraId, from, to)));
      if (plan.every((p) => p.spans.length === 0))
        throw new ServiceError(
          'conflict',
          `No linked camera (${cameras.join(', ')}) has any recording between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}.`,
          'nothing_recorded',
        );
      mkdirSync(dir, { recursive: true });
      const files: ClipFile[] = [];
      for (const { cameraId, spans, input } of plan) {
        const gaps = gapsIn(spans, from, to);
        if (spans.length === 0) {
          files.push({ cameraId, bytes: 0, seconds: 0, gaps });
          continue;
        }
        const name = `${cameraId}_${stamp(from)}.mp4`;
        const { args, cleanup, timeoutMs } = input(dir);
        try {
          await copyToFile(this.d.ffmpeg, args, join(dir, name), timeoutMs);
        } finally {
          cleanup();
        }
        const path = join(dir, name);
        files.push({
          cameraId,
          file: name,
          bytes: statSync(path).size,
          sha256: await sha256File(path),
          seconds: Math.round(((await probeSeconds(this.d.ffprobe, path)) ?? 0) * 1000) / 1000,
          gaps,
        });
      }
      const now = this.d.now();
      const view: ClipExport = {
        id,
        ...(alarmId ? { alarmId } : {}),
        ...(incidentId ? { incidentId } : {}),
        from,
        to,
        reason: req.reason.trim(),
        exportedBy: actor.name,
        exportedAt: now,
        folder,
        files,
        gaps: files.some((f) => f.gaps.length > 0),
      };
      this.writeManifest(dir, view, actor);
      await this.d.db.transaction(async (trx) => {
        await trx('recording_exports').insert({
          id,
          alarm_id: alarmId ?? null,
          incident_id: incidentId ?? null,
          from_ms: from,
          to_ms: to,
          reason: view.reason,
          operator_id: actor.id,
          operator_name: actor.name,
          exported_at: now,
          folder,
          files: JSON.stringify(files),
          gaps: view.gaps ? 1 : 0,
        });
        await appendAudit(trx, {
          at: now,
          ...auditActor(actor),
          action: 'recordings.export',
          target: alarmId ?? incidentId,
          details: {
            export: id,
            folder,
            from,
            to,
            reason: view.reason,
            files: files.map((f) => ({ camera: f.cameraId, sha256: f.sha256 ?? null, bytes: f.bytes })),
          },
        });
      });
      this.d.log.info('evidence clip exported', { id, folder, cameras: cameras.length, gaps: view.gaps });
      return view;
    } catch (err) {
      // A half-written export is no evidence: nothing of it stays.
      rmSync(dir, { recursive: true, force: true });
      throw err;
    } finally {
      for (const release of releases) release();
      this.running -= 1;
    }
  }

  /** One camera's part of an export: the NVR's recording if it has one, else the console's own segments. */
  private async plan(cameraId: string, from: number, to: number): Promise<CameraPlan> {
    const nvr = this.d.nvr?.(cameraId);
    if (nvr)
      return {
        cameraId,
        spans: await nvr.spans(from, to),
        input: () => ({
          args: nvr.pullArgs(from, to),
          cleanup: () => undefined,
          timeoutMs: COPY_TIMEOUT_MS + 1.5 * (to - from),
        }),
      };
    const pieces = (await this.d.pieces(cameraId, from, to)).map((p) => ({
      ...p,
      end: p.end ?? this.d.now(),
    }));
    return {
      cameraId,
      spans: pieces.map((p) => ({ start: p.start, end: p.end })),
      input: (dir) => {
        const list = join(dir, `.${cameraId}.txt`);
        writeFileSync(list, concatList(pieces, from, to));
        return {
          args: concatCopyArgs(list),
          cleanup: () => rmSync(list, { force: true }),
          timeoutMs: COPY_TIMEOUT_MS,
        };
      },
    };
  }

  /** The range and cameras of a request: the alarm's (or incident's alarms') with the site's pre/post roll. */
  private async resolve(req: ClipRequest): Promise<{
    from: number;
    to: number;
    cameras: string[];
    alarmId?: string | undefined;
    incidentId?: string | undefined;
  }> {
    const site = this.d.site();
    let linked: string[];
    let first: number;
    let last: number;
    let incidentId = req.incidentId;
    if (req.alarmId) {
      const alarm = await this.d.alarm(req.alarmId);
      if (!alarm) throw new ServiceError('not_found', `There is no alarm "${req.alarmId}".`);
      linked = alarm.cameras;
      first = last = alarm.raisedAt;
      incidentId = alarm.incidentId;
    } else {
      const rows = (await this.d
        .db('alarms')
        .where('incident_id', req.incidentId)
        .select('cameras', 'raised_at')) as { cameras: string; raised_at: number }[];
      if (rows.length === 0) throw new ServiceError('not_found', `There is no incident "${req.incidentId}".`);
      linked = [...new Set(rows.flatMap((r) => JSON.parse(r.cameras) as string[]))];
      first = Math.min(...rows.map((r) => r.raised_at));
      last = Math.max(...rows.map((r) => r.raised_at));
    }
    if (req.cameraIds) {
      const outside = req.cameraIds.filter((c) => !linked.includes(c));
      if (outside.length > 0)
        throw new ServiceError(
          'invalid_input',
          `Not a camera of this alarm or incident: ${outside.join(', ')}.`,
        );
      linked = [...new Set(req.cameraIds)];
    }
    let from = req.range?.from ?? first - site.preRollSec * 1000;
    let to = req.range?.to ?? last + site.postRollSec * 1000;
    // An incident's alarms may spread further than one clip may: the clip keeps its start, cut to the limit.
    if (to - from > MAX_CLIP_MS) to = from + MAX_CLIP_MS;
    from = Math.max(0, from);
    return { from, to, cameras: linked, alarmId: req.alarmId, incidentId };
  }

  private writeManifest(dir: string, view: ClipExport, actor: Actor): void {
    const site = this.d.site();
    const when = (t: number) => ({ utc: new Date(t).toISOString(), local: localTime(t, site.timeZone) });
    const manifest = {
      format: 'evidence-clip/1',
      export: view.id,
      alarm: view.alarmId ?? null,
      incident: view.incidentId ?? null,
      reason: view.reason,
      exportedBy: { id: actor.id, name: actor.name },
      exportedAt: when(view.exportedAt),
      console: { version: this.d.version, id: this.d.consoleId },
      site: { name: site.name, timeZone: site.timeZone },
      from: when(view.from),
      to: when(view.to),
      seconds: (view.to - view.from) / 1000,
      cameras: view.files.map((f) => ({
        id: f.cameraId,
        name: this.d.cameraName(f.cameraId) ?? null,
        file: f.file ?? null,
        bytes: f.bytes,
        sha256: f.sha256 ?? null,
        seconds: f.seconds,
        gaps: f.gaps.map((g) => ({
          from: when(g.start),
          to: when(g.end),
          seconds: (g.end - g.start) / 1000,
        })),
      })),
      gaps: view.files.flatMap((f) =>
        f.gaps.map((g) => ({ camera: f.cameraId, from: when(g.start), to: when(g.end) })),
      ),
      verify: 'sha256sum -c SHA256SUMS',
    };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const sums = view.files.flatMap((f) => (f.file && f.sha256 ? [`${f.sha256}  ${f.file}`] : []));
    const manifestHash = createHash('sha256')
      .update(JSON.stringify(manifest, null, 2) + '\n')
      .digest('hex');
    writeFileSync(join(dir, 'SHA256SUMS'), [...sums, `${manifestHash}  manifest.json`].join('\n') + '\n');
  }
}
