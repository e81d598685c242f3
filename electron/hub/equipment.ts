/**
 * The hub's equipment: the sources the site file configures (DC-09 panels, GB/T 26875.3 transmitters, MQTT
 * sensors, cameras' event streams over ISAPI, Dahua's attach or ONVIF PullPoint, webhooks), the sink they commit to, and the device registry. A source's reports are written to the hub's log in
 * one transaction per batch (the reports that arrive while the previous batch is being written), and only then
 * does the source acknowledge its device; the consoles receive them as hub protocol v3 events.
 */
import { createHash } from 'node:crypto';
import type { HubEventBody, HubOrigin, HubSourceStatus, OriginSource } from '../../shared/contract';
import type { AlarmType, Priority } from '../../shared/domain/alarm';
import type { SiteFile } from '../../shared/domain/site';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/log';
import { sitePlacer, type Placer } from './places';
import { GroupCommit } from './group-commit';
import type { Append, SiteHub } from './server';
import type { DeviceRow, HubWriter } from './storage';
import { Dc09Config } from './sources/dc09/config';
import { createDc09Receiver } from './sources/dc09/receiver';
import { Gb26875Config } from './sources/gb26875/config';
import { createGb26875Source } from './sources/gb26875/receiver';
import { MqttSourceConfig } from './sources/mqtt/config';
import { createMqttSource } from './sources/mqtt/source';
import { DahuaSourceConfig } from './sources/dahua/config';
import { createDahuaSource } from './sources/dahua/source';
import { IsapiSourceConfig } from './sources/isapi/config';
import { createIsapiSource } from './sources/isapi/source';
import { OnvifSourceConfig } from './sources/onvif/config';
import { createOnvifSource } from './sources/onvif/source';
import type { Source, SourceReport, SourceSink, SourceStatus } from './sources/source';
import { WebhookSourceConfig } from './sources/webhook/config';
import { createWebhookSource } from './sources/webhook/source';

/** Ports given on the command line (0 = a free one); each replaces the port of the first source of its kind. */
export interface SourcePorts {
  dc09?: number | undefined;
  gb26875?: number | undefined;
  mqtt?: number | undefined;
}

export class EquipmentConfigError extends Error {
  constructor(
    readonly sourceId: string,
    message: string,
  ) {
    super(`source ${sourceId}: ${message}`);
    this.name = 'EquipmentConfigError';
  }
}

/** Report keys kept for de-duplication. */
const KEEP_KEYS_MS = 2 * 86_400_000;

/** A supervision silence, as the sources word it (dc09 and mqtt: `supervision`; gb26875: `silence`). */
function isSilence(report: SourceReport): boolean {
  const o = report.origin;
  return o.reason === 'supervision' || o.reason === 'silence' || o.protocol === 'supervision';
}

/** What the equipment said, within the protocol's bounds (24 fields, short names and values). */
export function originOf(source: Source, report: SourceReport): HubOrigin {
  const fields: HubOrigin['fields'] = {};
  for (const [k, v] of Object.entries(report.origin).slice(0, 24)) {
    const name = k.slice(0, 40);
    if (!name) continue;
    fields[name] =
      typeof v === 'string' ? v.slice(0, 200) : typeof v === 'number' && !Number.isFinite(v) ? 0 : v;
  }
  return { source: source.kind as OriginSource, sourceId: source.id, fields };
}

/** A report's text in both languages, within the protocol's bounds (a console of 4 shows its operator's one). */
function textsOf(report: SourceReport): { texts?: { 'zh-CN': string; en: string } } {
  const t = report.texts;
  return t ? { texts: { 'zh-CN': t['zh-CN'].slice(0, 500), en: t.en.slice(0, 500) } } : {};
}

/** The protocol's 128-character ids: a longer report key becomes its hash. */
function idOf(key: string): string {
  return key.length <= 128 ? key : `h:${createHash('sha256').update(key).digest('hex')}`;
}

export function buildSources(
  site: SiteFile,
  ports: SourcePorts,
  ctx: {
    clock: Clock;
    log: Logger;
    sink: (source: () => Source) => SourceSink;
    baseDir?: string | undefined;
    /** Where a source started only by a port option listens (the embedded hub: loopback). */
    defaultHost?: string | undefined;
  },
): Source[] {
  const host = ctx.defaultHost ?? '0.0.0.0';
  const entries = site.sources.map(
    (s) => ({ ...s }) as Record<string, unknown> & { id: string; kind: string },
  );
  // A port on the command line with no such source in the site file starts one with the defaults.
  for (const kind of ['dc09', 'gb26875', 'mqtt'] as const) {
    const port = ports[kind];
    if (port === undefined) continue;
    const entry = entries.find((e) => e.kind === kind);
    if (kind === 'mqtt') {
      if (entry) {
        const broker = (entry.broker ?? { mode: 'embedded' }) as Record<string, unknown>;
        if (broker.mode === 'embedded') entry.broker = { ...broker, port };
      } else entries.push({ id: 'mqtt', kind, broker: { mode: 'embedded', host, port } });
    } else if (entry) entry.port = port;
    else entries.push({ id: kind, kind, host, port });
  }
  const sources: Source[] = [];
  for (const entry of entries) {
    const log = ctx.log.child(`source:${entry.id}`);
    let made: Source | undefined;
    const sink = ctx.sink(() => made!);
    const sourceCtx = { sink, now: () => ctx.clock.now(), log };
    const baseDir = ctx.baseDir;
    const parse = <T>(schema: {
      safeParse(
        v: unknown,
      ):
        | { success: true; data: T }
        | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
    }) => {
      const r = schema.safeParse(entry);
      if (!r.success)
        throw new EquipmentConfigError(
          entry.id,
          r.error.issues.map((i) => `${i.path.map(String).join('.') || '(entry)'}: ${i.message}`).join('; '),
        );
      return r.data;
    };
    if (entry.kind === 'dc09') made = createDc09Receiver(parse(Dc09Config), sourceCtx);
    else if (entry.kind === 'gb26875') made = createGb26875Source(parse(Gb26875Config), sourceCtx);
    else if (entry.kind === 'mqtt')
      made = createMqttSource(
        parse(MqttSourceConfig),
        sourceCtx,
        ctx.baseDir ? { baseDir: ctx.baseDir } : {},
      );
    else if (entry.kind === 'webhook')
      made = createWebhookSource(parse(WebhookSourceConfig), sourceCtx, baseDir);
    else if (entry.kind === 'camera') {
      // One kind for the cameras in the site file; `protocol` says how the hub listens to them.
      const protocol = entry.protocol ?? 'isapi';
      if (protocol === 'isapi') made = createIsapiSource(parse(IsapiSourceConfig), sourceCtx, baseDir);
      else if (protocol === 'dahua') made = createDahuaSource(parse(DahuaSourceConfig), sourceCtx, baseDir);
      else if (protocol === 'onvif') made = createOnvifSource(parse(OnvifSourceConfig), sourceCtx, baseDir);
      else
        throw new EquipmentConfigError(
          entry.id,
          `protocol: a camera source speaks isapi, dahua or onvif, not ${JSON.stringify(protocol).slice(0, 40)}`,
        );
    } else {
      ctx.log.warn('this hub has no source of this kind; skipped', { id: entry.id, kind: entry.kind });
      continue;
    }
    sources.push(made);
  }
  return sources;
}

/**
 * The sources, their sink and the device registry (the `hub_devices` table of the hub's database). Supervision
 * is the sources' own (each knows its devices' intervals); the registry records what they report and turns a
 * silence into the device `offline` and a `device_offline` alarm, a voice again into `ok` and a restore.
 */
export class Equipment {
  private readonly sources: Source[];
  private prunedAt = 0;
  private readonly place: Placer;

  constructor(
    private readonly hub: SiteHub,
    site: SiteFile,
    ports: SourcePorts,
    private readonly o: {
      clock: Clock;
      log: Logger;
      baseDir?: string | undefined;
      defaultHost?: string | undefined;
    },
  ) {
    this.place = sitePlacer(site);
    this.sources = buildSources(site, ports, {
      ...o,
      sink: (source) => ({ commit: (report) => this.commit(source(), report) }),
    });
  }

  async start(): Promise<void> {
    for (const source of this.sources) {
      try {
        await source.start();
      } catch (err) {
        this.o.log.error('a source did not start', { id: source.id, error: (err as Error).message });
      }
    }
  }

  async stop(): Promise<void> {
    for (const source of [...this.sources].reverse()) await source.stop().catch(() => undefined);
  }

  list(): readonly Source[] {
    return this.sources;
  }

  /** The sources as the `sources` message and /health show them. */
  statuses(): HubSourceStatus[] {
    return this.sources.map((s) => toHubStatus(s.status()));
  }

  async devices(): Promise<DeviceRow[]> {
    return (await this.hub.database('hub_devices').orderBy('device_id')) as DeviceRow[];
  }

  /** The sink a source commits to (the site file's are wired at construction; tests hand in their own). */
  sinkFor(source: Source): SourceSink {
    return { commit: (report) => this.commit(source, report) };
  }

  /** Queued, then written with whatever else arrived meanwhile: one transaction, one fsync, per batch. */
  private commit(source: Source, report: SourceReport): Promise<void> {
    return this.reports.submit({ source, report });
  }

  private readonly reports = new GroupCommit<{ source: Source; report: SourceReport }, void>(
    (batch) =>
      this.hub.transact(async (w, append) => {
        for (const p of batch) await this.record(w, append, p.source, p.report);
        // Sources resend within minutes (DC-09's duplicate window is at most a day): older keys can go.
        const now = this.o.clock.now();
        if (now - this.prunedAt > 3_600_000) {
          this.prunedAt = now;
          await w
            .trx('hub_report_keys')
            .where('at', '<', now - KEEP_KEYS_MS)
            .delete();
        }
        return batch.map(() => undefined);
      }),
    500,
    (err, n) => this.o.log.error('equipment reports not committed', { n, error: err.message }),
  );

  /** One report inside the batch's transaction: the registry row, then the events it means. */
  private async record(w: HubWriter, append: Append, source: Source, report: SourceReport): Promise<void> {
    // The writer's statements: on SQLite prepared ones on the batch's own connection (a knex query per row was
    // most of a report's cost; see electron/common/prepared.ts), on PostgreSQL the transaction's queries.
    if ((await w.reportKeyAt(report.key)) !== undefined) return; // a retry of what the log already has
    const now = this.o.clock.now();
    if (report.retryOf) {
      const scope = `retry:${report.retryOf.scope}`;
      const first = await w.reportKeyAt(scope);
      if (first !== undefined && Math.abs(report.retryOf.at - first) <= report.retryOf.windowMs) return;
      await w.putReportKey(scope, report.retryOf.at);
    }
    await w.putReportKey(report.key, now);
    const origin = originOf(source, report);
    const d = report.device;
    const before = await w.device(d.id);
    const silence = report.kind === 'state' && report.state !== 'ok' && isSilence(report);
    let state = before?.state ?? 'ok';
    if (report.kind === 'state' && report.state) state = silence ? 'offline' : report.state;
    // Anything the device says proves it is there: an offline device heard from again is back.
    else if (state === 'offline') state = 'ok';
    const row: DeviceRow = {
      device_id: d.id,
      source_id: source.id,
      kind: d.kind,
      label: d.label ?? before?.label ?? null,
      zone: report.zone ?? before?.zone ?? null,
      state,
      // A supervision report is the hub's clock, not the device speaking.
      last_seen: silence ? (before?.last_seen ?? now) : now,
      supervision_sec: d.supervisionSec ?? before?.supervision_sec ?? null,
    };
    await w.putDevice(row);
    const changed =
      !before ||
      before.state !== row.state ||
      before.label !== row.label ||
      before.zone !== row.zone ||
      before.supervision_sec !== row.supervision_sec;
    if (changed) {
      await append({
        kind: 'device',
        data: {
          deviceId: idOf(d.id),
          kind: d.kind,
          state: row.state as 'ok' | 'fault' | 'offline',
          ...(row.zone ? { zone: row.zone } : {}),
          at: report.at,
          ...(report.text ? { text: report.text.slice(0, 500) } : {}),
          ...textsOf(report),
          ...(row.label ? { label: row.label.slice(0, 200) } : {}),
          lastSeenAt: row.last_seen,
          ...(row.supervision_sec ? { supervisionSec: Math.min(row.supervision_sec, 7 * 86_400) } : {}),
          origin,
        },
      });
    }
    for (const body of this.eventsOf(report, row, origin, silence, before)) await append(body);
  }

  private eventsOf(
    report: SourceReport,
    row: DeviceRow,
    origin: HubOrigin,
    silence: boolean,
    before: DeviceRow | undefined,
  ): HubEventBody[] {
    const deviceId = idOf(report.device.id);
    const cameras = (report.cameras ?? []).slice(0, 16);
    const location = this.place({ ...report, ...(row.zone ? { zone: row.zone } : {}) });
    const placed = location ? { location } : {};
    const out: HubEventBody[] = [];
    // Heard from again after a silence: the communication alarm is restored before what it said is told.
    if (before?.state === 'offline' && row.state !== 'offline')
      out.push({ kind: 'restore', data: { deviceId, type: 'device_offline', at: report.at, origin } });
    // The device's own alarm, and its silence as a device_offline alarm: the same report, the same place.
    const alarm = (type: AlarmType, priority?: Priority): HubEventBody => ({
      kind: 'alarm',
      data: {
        sourceId: idOf(report.key),
        deviceId,
        type,
        ...(row.zone ? { zone: row.zone } : {}),
        ...placed,
        cameras,
        raisedAt: report.at,
        ...(report.text ? { text: report.text.slice(0, 500) } : {}),
        ...textsOf(report),
        ...(priority ? { priority } : {}),
        origin,
      },
    });
    if (report.kind === 'alarm' && report.type) out.push(alarm(report.type, report.priority));
    if (report.kind === 'restore' && report.type)
      out.push({ kind: 'restore', data: { deviceId, type: report.type, at: report.at, origin } });
    if (silence && before?.state !== 'offline') out.push(alarm('device_offline'));
    return out;
  }
}

/** A source's own status in the protocol's words. */
export function toHubStatus(s: SourceStatus): HubSourceStatus {
  // In the protocol `connected` is a client of an external service; a receiver with peers is still listening.
  const receiver = s.kind === 'dc09' || s.kind === 'gb26875';
  const state: HubSourceStatus['state'] =
    s.state === 'failed'
      ? 'error'
      : s.state === 'degraded' || (receiver && s.state === 'connected')
        ? 'listening'
        : s.state;
  return {
    id: s.id.slice(0, 64),
    kind: s.kind,
    state,
    ...(s.error
      ? { detail: s.error.slice(0, 300), problem: s.problem ?? 'other' }
      : s.state === 'degraded'
        ? { detail: 'degraded', problem: 'degraded' as const }
        : {}),
    ...(s.endpoint ? { endpoint: s.endpoint.slice(0, 200) } : {}),
    peers: s.peers,
    ...(s.lastMessageAt !== undefined ? { lastMessageAt: s.lastMessageAt } : {}),
    received: s.counts.received,
    refused: s.counts.refused,
    lastRefused: s.lastRefused.slice(0, 10).map((r) => ({
      at: r.at,
      peer: (r.peer ?? '').slice(0, 200),
      code: r.code,
      reason: r.reason.slice(0, 300),
      raw: r.raw.slice(0, 500),
    })),
  };
}

/** The port each kind's first listening source got (the first one is the one `--<kind>-port` sets). */
export function boundPorts(
  sources: readonly Source[],
): { kind: 'dc09' | 'gb26875' | 'mqtt'; port: number; endpoint: string }[] {
  const out: { kind: 'dc09' | 'gb26875' | 'mqtt'; port: number; endpoint: string }[] = [];
  for (const kind of ['dc09', 'gb26875', 'mqtt'] as const) {
    const endpoint = sources.find((s) => s.kind === kind)?.status().endpoint;
    const port = endpoint ? /:(\d+)$/.exec(endpoint)?.[1] : undefined;
    if (endpoint && port) out.push({ kind, port: Number(port), endpoint });
  }
  return out;
}
