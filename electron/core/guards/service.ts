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
import { networkList } from '../util/net';
import { GuardDevices, setupLinks } from './devices';
import { PhoneFixCheck } from './plausibility';
import { StillWatch } from './still';
import { latestPositions, positionRow, prunePositions, readTrack } from './positions';
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
  /** The no-movement check; the posts feature, created after this one, tells it who stands at a post. */
  readonly still: StillWatch;
  private readonly phoneFixes: PhoneFixCheck;
  private timers: unknown[] = [];
  readonly devices: GuardDevices;
  private endpoint: { port: number; host: string } | undefined;

  constructor(private readonly o: GuardServiceOptions) {
    this.settings = { ...DEFAULT_GUARD_SETTINGS, ...o.settings };
    this.phoneFixes = new PhoneFixCheck(this.settings);
    this.still = new StillWatch({
      db: o.db,
      site: o.site,
      alarms: o.alarms,
      clock: o.clock,
      log: o.log,
      settings: this.settings,
      last: (guardId) => this.last.get(guardId),
      duty: (guardId) => this.duty.get(guardId)?.duty ?? 'on_patrol',
    });
    this.devices = new GuardDevices(o.db, o.site);
    for (const w of this.devices.warnings) o.log.warn(w);
  }

  async start(): Promise<void> {
    const { db, clock } = this.o;
    await this.devices.load();
    for (const p of await latestPositions(db)) if (this.known(p.guardId)) this.last.set(p.guardId, p);
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
    const issued = await this.devices.issue(guardId, label, actor, this.o.clock.now());
    const links = setupLinks(this.endpoint, issued.secret);
    return {
      device: issued.view,
      deviceId: issued.secret,
      links,
      ...(links.length ? {} : { noLinks: this.endpoint ? 'no-network-address' : 'endpoint-off' }),
    };
  }

  async revokeDevice(id: string, actor: Actor): Promise<void> {
    await this.devices.revoke(id, actor, this.o.clock.now());
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
    const flag = this.phoneFixes.judge(p, now);
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
    if (!flag) this.phoneFixes.believe(p);
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
      this.still.track(p);
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
    return readTrack(this.o.db, guardId, from, to, flagged);
  }

  /** Raises a "not moving" alarm for each guard on duty standing still too long (runs every 15 s). */
  checkStill(): Promise<void> {
    return this.still.check();
  }

  private async prune(): Promise<void> {
    const before = this.o.clock.now() - this.settings.keepPositionsDays * 86_400_000;
    const n = await prunePositions(this.o.db, before);
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
      if (duty !== 'on_patrol') this.still.forget(guardId);
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

function noop(): void {}
