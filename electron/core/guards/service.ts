import { networkInterfaces } from 'node:os';
import type { Knex } from 'knex';
import type {
  AlarmView,
  GuardDeviceView,
  GuardPosition,
  GuardView,
  HubGuardSignal,
  MethodOutput,
  StoredHubEvent,
  TrackPoint,
} from '../../../shared/contract';
import { knownHubAction } from '../../../shared/contract';
import type { AlarmState } from '../../../shared/domain/alarm-lifecycle';
import { distanceM, type LatLon } from '../../../shared/domain/geo';
import {
  DEFAULT_GUARD_THRESHOLDS,
  rankGuards,
  type GuardCandidate,
  type GuardDuty,
  type GuardThresholds,
} from '../../../shared/domain/guards';
import type { SiteFile } from '../../../shared/domain/site';
import { pickText } from '../../../shared/domain/text';
import type { Actor } from '../actor';
import type { AlarmService } from '../alarms';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { enqueueAction } from '../hub-link/outbox';
import type { InboxApplier } from '../hub-link/inbox';
import { ServiceError } from '../errors';
import type { Clock } from '../../common/clock';
import type { IdGenerator } from '../util/ids';
import type { Logger } from '../../common/log';
import { present } from '../util/optional';
import { networkList } from '../util/net';
import { GuardDevices } from './devices';
import type { Accepted, DeviceMatch, OsmandReport, OsmandServerOptions, PhoneOrigin } from './osmand';
import type { PatrolEngine } from './patrol';

export interface GuardSettings extends GuardThresholds {
  /** Standing within `stillRadiusM` this long while on duty raises a priority-1 alarm (a guard may be hurt). */
  noMovementMs: number;
  stillRadiusM: number;
  /** A dispatched guard within this distance of the alarm is on scene. */
  arrivalRadiusM: number;
  /** Stored positions older than this are deleted (daily). */
  keepPositionsDays: number;
  /** A phone fix implying a faster move than this is flagged (site file `tracking.maxSpeedMps`). */
  maxSpeedMps: number;
  /** Phone fixes older / newer than now by more than these are flagged: a wrong clock or a replay. */
  flagPastMs: number;
  flagFutureMs: number;
}

export const DEFAULT_GUARD_SETTINGS: GuardSettings = {
  ...DEFAULT_GUARD_THRESHOLDS,
  noMovementMs: 10 * 60_000,
  stillRadiusM: 15,
  arrivalRadiusM: 30,
  keepPositionsDays: 90,
  maxSpeedMps: 12,
  flagPastMs: 12 * 3_600_000,
  flagFutureMs: 5 * 60_000,
};

/** Jump checks look back this far at most; after a longer silence anyone may have driven anywhere. */
const JUMP_WINDOW_MS = 10 * 60_000;
/** Consecutive flagged jumps that agree with each other: the phone really is there now. */
const JUMP_REANCHOR = 3;

const MAX_TRACK_POINTS = 5000;

export interface GuardServiceOptions {
  db: Knex;
  site: SiteFile;
  alarms: AlarmService;
  patrols: PatrolEngine;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
  /** This console: its own actions come back from the hub and are not applied twice. */
  consoleId: string;
  settings?: Partial<GuardSettings>;
  /** A guard's view changed (after the commit): batch it to the renderers. */
  onChanged(guard: GuardView): void;
  kickOutbox(): void;
}

interface Still {
  anchor: LatLon;
  since: number;
  raised: boolean;
}

type Db = Knex | Knex.Transaction;

/**
 * Where every guard is and what he is doing: positions from the hub and from phones (OsmAnd), dispatch to
 * alarms and arrival, SOS, and "no movement" while on duty. Positions and their consequences (checkpoint
 * visits, arrival, SOS alarms) commit in one transaction.
 */
export class GuardService {
  readonly settings: GuardSettings;
  private readonly last = new Map<string, GuardPosition>();
  private readonly duty = new Map<string, { duty: GuardDuty; alarmId?: string | undefined; since: number }>();
  private readonly still = new Map<string, Still>();
  /** The last believed fix from a phone, per guard: a phone is checked against itself, not the hub's tracker. */
  private readonly lastPhone = new Map<string, GuardPosition>();
  private readonly jumps = new Map<
    string,
    { position: LatLon; at: number; accuracy: number; count: number }
  >();
  private timers: unknown[] = [];
  readonly devices: GuardDevices;
  private endpoint: { port: number; host: string } | undefined;

  constructor(private readonly o: GuardServiceOptions) {
    this.settings = { ...DEFAULT_GUARD_SETTINGS, ...o.settings };
    this.devices = new GuardDevices(o.db, o.site);
    for (const w of this.devices.warnings) o.log.warn(w);
  }

  async start(): Promise<void> {
    const { db, clock } = this.o;
    await this.devices.load();
    const rows = (await db('guard_positions')
      .whereIn('id', db('guard_positions').whereNull('flag').max('id').groupBy('guard_id'))
      .select()) as PositionRow[];
    for (const r of rows) if (this.known(r.guard_id)) this.last.set(r.guard_id, fromRow(r));
    const duties = (await db('guard_duty').select()) as Array<{
      guard_id: string;
      duty: GuardDuty;
      alarm_id: string | null;
      since: number;
    }>;
    for (const d of duties) {
      this.duty.set(d.guard_id, { duty: d.duty, alarmId: d.alarm_id ?? undefined, since: d.since });
    }
    this.timers.push(clock.setInterval(() => void this.checkStill(), 15_000));
    this.timers.push(clock.setInterval(() => void this.prune(), 6 * 3_600_000));
  }

  stop(): void {
    for (const t of this.timers) this.o.clock.clearInterval(t);
    this.timers = [];
  }

  known(guardId: string): boolean {
    return this.o.site.guards.some((g) => g.id === guardId);
  }

  /**
   * What the phone endpoint needs from guards: who a device id is, the site's allow-list of networks, and
   * where a report goes. The endpoint itself only speaks HTTP.
   */
  phoneEndpoint(): Pick<OsmandServerOptions, 'identify' | 'allowFrom' | 'accept' | 'listening'> {
    const networks = this.o.site.tracking.allowNetworks;
    const allowed = networks?.length ? networkList(networks) : undefined;
    return {
      identify: (deviceId): DeviceMatch | string | undefined => this.devices.identify(deviceId),
      ...(allowed ? { allowFrom: (address: string | undefined) => allowed(address) } : {}),
      accept: (guardId, r, origin) => this.acceptPhone(guardId, r, origin),
      listening: (port, host) => {
        this.endpoint = { port, host };
      },
    };
  }

  private acceptPhone(guardId: string, r: OsmandReport, origin: PhoneOrigin): Promise<Accepted> {
    this.devices.seen(origin.device, origin.address, this.o.clock.now());
    return this.ingestDirect(
      {
        guardId,
        position: { lat: r.lat, lon: r.lon },
        at: r.at,
        ...(r.speed !== undefined ? { speed: r.speed } : {}),
        ...(r.bearing !== undefined ? { bearing: r.bearing } : {}),
        ...(r.accuracy !== undefined ? { accuracy: r.accuracy } : {}),
        ...(r.battery !== undefined ? { battery: r.battery } : {}),
        source: 'osmand',
      },
      r.sos,
      origin,
    );
  }

  listDevices(): GuardDeviceView[] {
    return this.devices.list();
  }

  /** A new secret for a guard's phone, with Traccar Client links for every address the endpoint listens on. */
  async issueDevice(
    guardId: string,
    label: string,
    actor: Actor,
  ): Promise<MethodOutput<'guards.issueDevice'>> {
    this.requireGuard(guardId);
    const at = this.o.clock.now();
    const issued = await this.o.db.transaction(async (trx) => {
      const made = await this.devices.issue(trx, guardId, label, actor.name, at);
      await appendAudit(trx, {
        at,
        actorId: actor.id,
        actorName: actor.name,
        action: 'guards.issueDevice',
        target: guardId,
        details: { device: made.view.id, label },
      });
      return made;
    });
    const links = this.setupLinks(issued.secret);
    return {
      device: issued.view,
      deviceId: issued.secret,
      links,
      ...(links.length ? {} : { noLinks: this.endpoint ? 'no-network-address' : 'endpoint-off' }),
    };
  }

  async revokeDevice(id: string, actor: Actor): Promise<void> {
    if (this.devices.isSiteDevice(id)) {
      throw new ServiceError(
        'conflict',
        `${id} comes from the site file: remove it there and restart the console.`,
      );
    }
    const at = this.o.clock.now();
    await this.o.db.transaction(async (trx) => {
      const gone = await this.devices.revoke(trx, id, actor.name, at);
      if (!gone) throw new ServiceError('not_found', `There is no phone "${id}" issued by this console.`);
      await appendAudit(trx, {
        at,
        actorId: actor.id,
        actorName: actor.name,
        action: 'guards.revokeDevice',
        target: gone.guardId,
        details: { device: id, label: gone.label },
      });
    });
  }

  /**
   * Traccar Client takes its settings from an http(s) link (or its QR code): the link's address becomes the
   * server URL and `id` the device identifier.
   */
  private setupLinks(secret: string): string[] {
    if (!this.endpoint) return [];
    const { port, host } = this.endpoint;
    const hosts =
      host === '0.0.0.0' || host === '::'
        ? Object.values(networkInterfaces())
            .flat()
            .filter((i) => i && i.family === 'IPv4' && !i.internal)
            .map((i) => i!.address)
        : [host];
    return hosts.map(
      (h) =>
        `http://${h.includes(':') ? `[${h}]` : h}:${port}/?id=${encodeURIComponent(secret)}&accuracy=high&interval=10`,
    );
  }

  views(): GuardView[] {
    return this.o.site.guards.map((g) => this.view(g.id));
  }

  view(guardId: string): GuardView {
    const d = this.duty.get(guardId);
    const last = this.last.get(guardId);
    return {
      guardId,
      duty: d?.duty ?? 'on_patrol',
      ...(d?.alarmId ? { alarmId: d.alarmId } : {}),
      since: d?.since ?? 0,
      ...(last ? { last } : {}),
    };
  }

  /** The hub's position and guard-signal events, inside the hub event's transaction. */
  readonly hubApplier: InboxApplier = async (trx, event: StoredHubEvent) => {
    if (event.kind === 'position') {
      const { sos, ...p } = event.data;
      if (!this.known(p.guardId)) return;
      await this.ingest(trx, { ...p, source: 'hub' });
      if (sos) await this.raiseSos(trx, p.guardId, p.at, p.position, HUB_VIA);
    } else if (event.kind === 'guard') {
      await this.signal(trx, event.data);
    } else if (event.kind === 'action.applied' && event.data.consoleId !== this.o.consoleId) {
      // Checked with the event against its type's schema (shared/contract/hub.ts); other types change nothing.
      const action = knownHubAction(event.data);
      if (action?.type === 'guard.dispatch' || action?.type === 'guard.arrived')
        await this.applyRemote(trx, action.type, action.payload);
    }
  };

  /** Another console sent or saw a guard arrive: this console's map must agree on what he is doing. */
  private async applyRemote(
    trx: Knex.Transaction,
    type: 'guard.dispatch' | 'guard.arrived',
    p: { guardId: string; alarm: { source: string; sourceId: string } },
  ): Promise<void> {
    if (!this.known(p.guardId)) return;
    const row = (await trx('alarms')
      .where({ source: p.alarm.source, source_id: p.alarm.sourceId })
      .first('id', 'state')) as { id: string; state: AlarmState } | undefined;
    if (!row || row.state === 'resolved') return;
    await this.setDuty(trx, p.guardId, type === 'guard.dispatch' ? 'dispatched' : 'on_scene', row.id);
  }

  /**
   * A position from a phone (OsmAnd). One that is not plausible (a jump faster than a person moves, a time far
   * from now) is stored for the track with its flag and changes nothing: no marker, no visit, no SOS.
   */
  async ingestDirect(
    p: GuardPosition,
    sos: boolean,
    origin: PhoneOrigin = { device: 'unknown', address: 'unknown' },
  ): Promise<Accepted> {
    const now = this.o.clock.now();
    const flag = this.plausibility(p, now);
    await this.o.db.transaction(async (trx) => {
      if (flag) {
        await trx('guard_positions').insert({
          ...positionRow(p),
          flag,
          received_at: now,
          device: origin.device,
        });
        return;
      }
      await this.ingest(trx, p, { received_at: now, device: origin.device });
      if (sos) {
        const device = this.devices.describe(origin.device);
        await this.raiseSos(trx, p.guardId, p.at, p.position, {
          zh: `手机 ${device}，来自 ${origin.address}`,
          en: `phone ${device} from ${origin.address}`,
        });
      }
    });
    const believed = this.lastPhone.get(p.guardId);
    if (!flag && (!believed || p.at > believed.at)) this.lastPhone.set(p.guardId, p);
    if (flag && sos) {
      this.o.log.warn('SOS from a phone ignored: its position is not plausible', {
        guardId: p.guardId,
        flag,
        device: origin.device,
        from: origin.address,
      });
    }
    if (!flag) this.o.kickOutbox();
    return { flag };
  }

  /** Why a phone fix is not believed, or undefined when it is. Remembers runs of consistent jumps. */
  private plausibility(p: GuardPosition, now: number): 'jump' | 'time' | undefined {
    if (p.at < now - this.settings.flagPastMs || p.at > now + this.settings.flagFutureMs) return 'time';
    const previous = this.lastPhone.get(p.guardId);
    if (!previous || p.at <= previous.at || p.at - previous.at > JUMP_WINDOW_MS) {
      this.jumps.delete(p.guardId);
      return undefined;
    }
    if (this.plausibleMove(previous.position, previous.at, previous.accuracy ?? 0, p)) {
      this.jumps.delete(p.guardId);
      return undefined;
    }
    // Far from the last believed fix: believe it only once a few fixes in a row agree with each other.
    const run = this.jumps.get(p.guardId);
    const count =
      run && p.at > run.at && this.plausibleMove(run.position, run.at, run.accuracy, p) ? run.count + 1 : 1;
    if (count >= JUMP_REANCHOR) {
      this.jumps.delete(p.guardId);
      return undefined;
    }
    this.jumps.set(p.guardId, { position: p.position, at: p.at, accuracy: p.accuracy ?? 0, count });
    return 'jump';
  }

  private plausibleMove(from: LatLon, fromAt: number, fromAccuracy: number, p: GuardPosition): boolean {
    // GPS error of both fixes (capped: a phone may claim any accuracy) and a little slack are not movement.
    const slack = Math.min(fromAccuracy, 100) + Math.min(p.accuracy ?? 0, 100) + 20;
    const moved = Math.max(0, distanceM(from, p.position) - slack);
    const seconds = Math.max(1, (p.at - fromAt) / 1000);
    return moved / seconds <= this.settings.maxSpeedMps;
  }

  private async ingest(
    trx: Knex.Transaction,
    p: GuardPosition,
    extra: { received_at?: number; device?: string } = {},
  ): Promise<void> {
    await trx('guard_positions').insert({ ...positionRow(p), ...extra });
    const previous = this.last.get(p.guardId);
    // A phone that was out of coverage sends its buffered positions late: keep them for the track, but an old
    // one must not move the marker back or count as arrival.
    if (previous && p.at < previous.at) return;
    await this.o.patrols.visit(trx, { guardId: p.guardId, at: p.at, position: p.position });
    await this.checkArrival(trx, p.guardId, p.position);
    trx.executionPromise.then(() => {
      this.last.set(p.guardId, p);
      this.trackStill(p);
      this.o.onChanged(this.view(p.guardId));
    }, noop);
  }

  private async signal(trx: Knex.Transaction, s: HubGuardSignal): Promise<void> {
    if (!this.known(s.guardId)) {
      this.o.log.warn('guard signal for an unknown guard ignored', { guardId: s.guardId, signal: s.signal });
      return;
    }
    if (s.signal === 'scan') {
      const routes = await this.o.patrols.visit(trx, { guardId: s.guardId, at: s.at, tag: s.tag });
      if (!routes.length)
        this.o.log.warn('scanned tag matches no checkpoint', { guardId: s.guardId, tag: s.tag });
    } else if (s.signal === 'sos') {
      await this.raiseSos(trx, s.guardId, s.at, s.position ?? this.last.get(s.guardId)?.position, HUB_VIA);
    } else {
      const d = this.duty.get(s.guardId);
      if (d?.duty === 'dispatched' && d.alarmId) {
        await this.markArrived(trx, d.alarmId, s.guardId, 'guard', this.guardActor(s.guardId));
      }
    }
  }

  /** A priority-1 alarm at the guard's position; a second SOS while one is open counts on it. */
  private async raiseSos(
    trx: Knex.Transaction,
    guardId: string,
    at: number,
    position: LatLon | undefined,
    via: { zh: string; en: string },
  ): Promise<void> {
    const guard = this.o.site.guards.find((g) => g.id === guardId)!;
    const result = await this.o.alarms.receive(trx, {
      source: 'guard',
      sourceId: `sos:${guardId}:${at}`,
      deviceId: `guard:${guardId}`,
      type: 'guard_sos',
      location: position,
      cameras: [],
      raisedAt: at,
      text: `${pickText(guard.name, 'zh-CN')} 紧急求助（SOS，${via.zh}）${guard.phone ? ` ☎ ${guard.phone}` : ''} / ${pickText(guard.name, 'en')} pressed SOS (${via.en})`,
    });
    if (result.status === 'duplicate') return;
    await this.setDuty(trx, guardId, 'sos', result.alarm.id);
  }

  async clearSos(guardId: string, note: string, actor: Actor): Promise<GuardView> {
    this.requireGuard(guardId);
    await this.o.db.transaction(async (trx) => {
      const d = this.duty.get(guardId);
      if (d?.duty !== 'sos') throw new ServiceError('conflict', 'This guard is not in SOS.');
      if (d.alarmId)
        await this.o.alarms.noteIn(trx, d.alarmId, `保安已确认安全 / guard is safe: ${note}`, actor);
      await this.setDuty(trx, guardId, 'on_patrol', undefined);
      await appendAudit(trx, {
        at: this.o.clock.now(),
        ...auditActor(actor),
        action: 'guard.clearSos',
        target: guardId,
        details: { note, alarmId: d.alarmId },
      });
    });
    return this.view(guardId);
  }

  suggest(alarm: AlarmView, target: LatLon | undefined): GuardCandidate[] {
    if (!target) return [];
    const now = this.o.clock.now();
    return rankGuards(
      target,
      this.views().map((g) => ({
        guardId: g.guardId,
        duty: g.duty,
        position: g.last?.position,
        at: g.last?.at,
      })),
      now,
      this.settings,
    ).map((c) => (this.duty.get(c.guardId)?.alarmId === alarm.id ? { ...c, available: false } : c));
  }

  async dispatch(
    alarmId: string,
    guardId: string,
    note: string | undefined,
    actor: Actor,
    target: LatLon | undefined,
  ): Promise<{ alarm: AlarmView; guard: GuardView }> {
    const guard = this.requireGuard(guardId);
    const alarm = await this.o.db.transaction(async (trx) => {
      const row = (await trx('alarms').where({ id: alarmId }).first()) as
        { state: AlarmState; source: string; source_id: string; type: string } | undefined;
      if (!row) throw new ServiceError('not_found', `There is no alarm "${alarmId}".`);
      if (row.state === 'resolved')
        throw new ServiceError('conflict', 'This alarm is resolved; nobody can be sent to it.');
      const d = this.duty.get(guardId);
      if (d?.duty === 'sos') {
        throw new ServiceError(
          'conflict',
          `${pickText(guard.name, 'zh-CN')} is in SOS himself; send someone else to him.`,
        );
      }
      if (d?.alarmId === alarmId)
        throw new ServiceError('conflict', 'This guard is already assigned to this alarm.');
      const now = this.o.clock.now();
      // He may have been on another alarm: that assignment ends here, and its alarm keeps its other guards.
      await trx('guard_assignments')
        .where({ guard_id: guardId })
        .whereNull('ended_at')
        .update({ ended_at: now });
      await trx('guard_assignments').insert({
        alarm_id: alarmId,
        guard_id: guardId,
        dispatched_at: now,
        dispatched_by: actor.name,
      });
      const text = `派遣 ${pickText(guard.name, 'zh-CN')} / dispatched ${pickText(guard.name, 'en')}${note ? ` — ${note}` : ''}`;
      const view =
        row.state === 'new' || row.state === 'acknowledged'
          ? await this.o.alarms.moveIn(trx, alarmId, 'dispatched', actor, text)
          : await this.o.alarms.noteIn(trx, alarmId, text, actor);
      await this.setDuty(trx, guardId, 'dispatched', alarmId);
      await enqueueAction(trx, {
        key: this.o.ids(),
        type: 'guard.dispatch',
        createdAt: now,
        payload: {
          guardId,
          alarm: { source: row.source, sourceId: row.source_id, type: row.type },
          location: target ?? null,
          operator: actor.name,
          note: note ?? null,
          at: now,
        },
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'dispatch',
        text: `${text}（${row.type}）`,
        alarmId,
        operatorId: actor.id,
      });
      return view;
    });
    this.o.kickOutbox();
    // Already there: the next position would say so, but there may not be one for a while.
    const here = this.last.get(guardId);
    if (here && target && distanceM(here.position, target) <= this.settings.arrivalRadiusM) {
      await this.o.db.transaction((trx) => this.checkArrival(trx, guardId, here.position));
    }
    return { alarm, guard: this.view(guardId) };
  }

  async confirmArrival(
    alarmId: string,
    guardId: string,
    actor: Actor,
  ): Promise<{ alarm: AlarmView; guard: GuardView }> {
    this.requireGuard(guardId);
    const alarm = await this.o.db.transaction(async (trx) => {
      const open = await trx('guard_assignments')
        .where({ alarm_id: alarmId, guard_id: guardId })
        .whereNull('ended_at')
        .first();
      if (!open)
        throw new ServiceError('conflict', 'This guard was not sent to this alarm; dispatch him first.');
      return this.markArrived(trx, alarmId, guardId, 'operator', actor);
    });
    this.o.kickOutbox();
    return { alarm, guard: this.view(guardId) };
  }

  private async checkArrival(trx: Knex.Transaction, guardId: string, position: LatLon): Promise<void> {
    const d = this.duty.get(guardId);
    if (d?.duty !== 'dispatched' || !d.alarmId) return;
    const row = (await trx('alarms').where({ id: d.alarmId }).first('lat', 'lon', 'state')) as
      { lat: number | null; lon: number | null; state: AlarmState } | undefined;
    if (!row || row.lat === null || row.lon === null) return;
    if (distanceM(position, { lat: row.lat, lon: row.lon }) > this.settings.arrivalRadiusM) return;
    await this.markArrived(trx, d.alarmId, guardId, 'gps', this.guardActor(guardId));
  }

  private async markArrived(
    trx: Knex.Transaction,
    alarmId: string,
    guardId: string,
    how: 'gps' | 'guard' | 'operator',
    actor: Actor,
  ): Promise<AlarmView> {
    const now = this.o.clock.now();
    const guard = this.requireGuard(guardId);
    await trx('guard_assignments')
      .where({ alarm_id: alarmId, guard_id: guardId })
      .whereNull('ended_at')
      .whereNull('arrived_at')
      .update({ arrived_at: now, arrival: how });
    const alarmRow = (await trx('alarms').where({ id: alarmId }).first('state', 'source', 'source_id')) as {
      state: AlarmState;
      source: string;
      source_id: string;
    };
    const row = alarmRow;
    const text = `${pickText(guard.name, 'zh-CN')} 已到场（${HOW_ZH[how]}）/ ${pickText(guard.name, 'en')} on scene (${how})`;
    const view =
      row.state === 'resolved' || row.state === 'on_scene'
        ? await this.o.alarms.noteIn(trx, alarmId, text, actor)
        : await this.o.alarms.moveIn(trx, alarmId, 'on_scene', actor, text);
    await this.setDuty(trx, guardId, 'on_scene', alarmId);
    await enqueueAction(trx, {
      key: this.o.ids(),
      type: 'guard.arrived',
      createdAt: now,
      payload: { guardId, alarm: { source: alarmRow.source, sourceId: alarmRow.source_id }, how, at: now },
    });
    return view;
  }

  /** An alarm changed (after its commit): guards sent to a resolved alarm go back on patrol. */
  async alarmChanged(alarm: AlarmView): Promise<void> {
    if (alarm.state !== 'resolved') return;
    const affected = [...this.duty.entries()].filter(([, d]) => d.alarmId === alarm.id).map(([id]) => id);
    const now = this.o.clock.now();
    await this.o.db.transaction(async (trx) => {
      await trx('guard_assignments')
        .where({ alarm_id: alarm.id })
        .whereNull('ended_at')
        .update({ ended_at: now });
      for (const guardId of affected) await this.setDuty(trx, guardId, 'on_patrol', undefined);
    });
  }

  async track(
    guardId: string,
    from: number,
    to: number,
    flagged = false,
  ): Promise<{ points: TrackPoint[]; total: number; thinned: boolean }> {
    this.requireGuard(guardId);
    const query = this.o
      .db('guard_positions')
      .where({ guard_id: guardId })
      .whereBetween('at', [from, to])
      .orderBy('at')
      .select('lat', 'lon', 'at', 'bearing', 'speed', 'flag');
    if (!flagged) void query.whereNull('flag');
    const rows = (await query) as Array<{
      lat: number;
      lon: number;
      at: number;
      bearing: number | null;
      speed: number | null;
      flag: 'jump' | 'time' | null;
    }>;
    const step = Math.max(1, Math.ceil(rows.length / MAX_TRACK_POINTS));
    const kept = rows.filter((_, i) => i % step === 0 || i === rows.length - 1);
    return {
      points: kept.map((r) => ({
        lat: r.lat,
        lon: r.lon,
        at: r.at,
        ...(r.bearing !== null ? { bearing: r.bearing } : {}),
        ...(r.speed !== null ? { speed: r.speed } : {}),
        ...(r.flag ? { flag: r.flag } : {}),
      })),
      total: rows.length,
      thinned: step > 1,
    };
  }

  /** Standing still while on duty: start the clock when he stops, raise once per stop. */
  private trackStill(p: GuardPosition): void {
    const s = this.still.get(p.guardId);
    const radius = Math.max(this.settings.stillRadiusM, Math.min(p.accuracy ?? 0, 50));
    if (!s || distanceM(s.anchor, p.position) > radius) {
      this.still.set(p.guardId, { anchor: p.position, since: p.at, raised: false });
    }
  }

  async checkStill(): Promise<void> {
    const now = this.o.clock.now();
    for (const [guardId, s] of this.still) {
      const last = this.last.get(guardId);
      const duty = this.duty.get(guardId)?.duty ?? 'on_patrol';
      // On scene he is meant to stand still; silent phones are "stale"/"offline", not "not moving".
      if (s.raised || duty === 'on_scene' || duty === 'sos' || !last) continue;
      if (now - last.at > this.settings.staleMs || now - s.since < this.settings.noMovementMs) continue;
      s.raised = true;
      const guard = this.o.site.guards.find((g) => g.id === guardId)!;
      const minutes = Math.round((now - s.since) / 60_000);
      await this.o.db
        .transaction((trx) =>
          this.o.alarms.receive(trx, {
            source: 'engine',
            sourceId: `guard-still:${guardId}:${s.since}`,
            deviceId: `guard-still:${guardId}`,
            type: 'guard_no_movement',
            location: last.position,
            cameras: [],
            raisedAt: now,
            text: `${pickText(guard.name, 'zh-CN')} 已 ${minutes} 分钟未移动${guard.phone ? `，请电话确认 ☎ ${guard.phone}` : ''} / ${pickText(guard.name, 'en')} has not moved for ${minutes} min`,
          }),
        )
        .catch((err: Error) => this.o.log.error('no-movement alarm failed', { guardId, error: err.message }));
    }
  }

  private async prune(): Promise<void> {
    const before = this.o.clock.now() - this.settings.keepPositionsDays * 86_400_000;
    const n = await this.o.db('guard_positions').where('at', '<', before).delete();
    if (n) this.o.log.info('old guard positions deleted', { n, before });
  }

  private async setDuty(
    trx: Db,
    guardId: string,
    duty: GuardDuty,
    alarmId: string | undefined,
  ): Promise<void> {
    const since = this.o.clock.now();
    await trx('guard_duty')
      .insert({ guard_id: guardId, duty, alarm_id: alarmId ?? null, since })
      .onConflict('guard_id')
      .merge();
    const apply = () => {
      this.duty.set(guardId, { duty, alarmId, since });
      if (duty !== 'on_patrol') this.still.delete(guardId);
      this.o.onChanged(this.view(guardId));
    };
    if ('executionPromise' in trx) trx.executionPromise.then(apply, noop);
    else apply();
  }

  private requireGuard(guardId: string) {
    const guard = this.o.site.guards.find((g) => g.id === guardId);
    if (!guard) throw new ServiceError('not_found', `There is no guard "${guardId}" on this site.`);
    return guard;
  }

  private guardActor(guardId: string): Actor {
    const guard = this.o.site.guards.find((g) => g.id === guardId);
    return { id: `guard:${guardId}`, name: guard ? pickText(guard.name, 'zh-CN') : guardId };
  }
}

const HUB_VIA = { zh: '经现场主机', en: 'via the site hub' };

const HOW_ZH = { gps: '定位进入现场范围', guard: '保安确认', operator: '对讲确认' } as const;

interface PositionRow {
  guard_id: string;
  lat: number;
  lon: number;
  at: number;
  speed: number | null;
  bearing: number | null;
  accuracy: number | null;
  battery: number | null;
  source: string;
}

function positionRow(p: GuardPosition) {
  return {
    guard_id: p.guardId,
    lat: p.position.lat,
    lon: p.position.lon,
    at: p.at,
    speed: p.speed ?? null,
    bearing: p.bearing ?? null,
    accuracy: p.accuracy ?? null,
    battery: p.battery ?? null,
    source: p.source,
  };
}

function fromRow(r: PositionRow): GuardPosition {
  return {
    guardId: r.guard_id,
    position: { lat: r.lat, lon: r.lon },
    at: r.at,
    ...present({ speed: r.speed, bearing: r.bearing, accuracy: r.accuracy, battery: r.battery }),
    source: r.source === 'osmand' ? 'osmand' : 'hub',
  };
}

function noop(): void {}
