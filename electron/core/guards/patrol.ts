import type { Knex } from 'knex';
import type { PatrolRouteView, RoundView } from '../../../shared/contract';
import { distanceM, insidePolygon, nearest, type LatLon } from '../../../shared/domain/geo';
import {
  classifyVisit,
  mergeSchedule,
  minuteOfDay,
  roundAt,
  roundsBetween,
  summariseRound,
  type PatrolSchedule,
  type VisitTiming,
} from '../../../shared/domain/patrol';
import type { CameraDef, RouteDef, SiteFile } from '../../../shared/domain/site';
import { pickText } from '../../../shared/domain/text';
import type { AlarmService } from '../alarms';
import { writeDutyLog } from '../duty';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import type { ClockJump, Timeline } from '../util/timeline';

const SINCE_KEY = 'patrol.since';
/** A missed checkpoint links the nearest camera only if it can plausibly see the spot. */
const CAMERA_LINK_MAX_M = 150;
/** How far back the visit cache reaches: today's rounds and the night before. */
const CACHE_MS = 36 * 3_600_000;

interface Visit {
  at: number;
  guardId: string;
  method: 'gps' | 'scan';
  timing: VisitTiming;
}

export interface PatrolEngineOptions {
  db: Knex;
  site: SiteFile;
  cameras: () => CameraDef[];
  alarms: AlarmService;
  clock: Clock;
  /** Jumps of the wall clock: rounds jumped over are skipped, not missed; rounds lived twice are checked once. */
  timeline: Timeline;
  log: Logger;
  onChanged(routes: PatrolRouteView[]): void;
}

/**
 * Patrol rounds: which checkpoints were reached, when, and whether in time; closes each round when its window
 * ends, raising a `patrol_missed` alarm per checkpoint not reached and writing the round's compliance to the
 * duty log. Rounds are evaluated once (`patrol_rounds` is keyed by route and start), so a restart re-checks
 * what it missed without raising anything twice.
 *
 * Rounds follow the wall clock (a schedule is "every hour from 08:00"), so a jump of it is handled on its own:
 * rounds whose window it jumped over forwards were never walked in real time and are closed as skipped (no
 * alarm, one duty-log entry); after a jump backwards, rounds already closed come round again on the wall clock
 * and are not checked twice (one duty-log entry says which).
 */
export class PatrolEngine {
  private since = 0;
  private timer: unknown;
  /** `${route}|${checkpoint}|${roundStart}` → the visit that counted. */
  private readonly visits = new Map<string, Visit>();
  private readonly schedules = new Map<string, PatrolSchedule>();
  private evaluating: Promise<void> | undefined;
  private again = false;
  /** Jumps not handled yet (the timeline tells of them between evaluations, or at the start of one). */
  private readonly jumps: ClockJump[] = [];
  /** `${route}|${roundStart}` of rounds closed as skipped: not counted as missed in today's figures. */
  private readonly skipped = new Set<string>();
  private stopJumps: (() => void) | undefined;

  constructor(private readonly o: PatrolEngineOptions) {
    for (const r of o.site.routes) this.schedules.set(r.id, mergeSchedule(o.site.patrol, r.schedule));
  }

  async start(): Promise<void> {
    const { db, clock } = this.o;
    const row = (await db('meta').where({ key: SINCE_KEY }).first()) as { value: string } | undefined;
    if (row) this.since = Number(row.value);
    else {
      // Rounds that opened before this console first ran were nobody's to check.
      this.since = clock.now();
      await db('meta').insert({ key: SINCE_KEY, value: String(this.since) });
    }
    const rows = (await db('patrol_visits').where('round_start', '>=', clock.now() - CACHE_MS)) as Array<{
      route_id: string;
      checkpoint_id: string;
      round_start: number;
      at: number;
      guard_id: string;
      method: 'gps' | 'scan';
      timing: VisitTiming;
    }>;
    const skippedRows = (await db('patrol_rounds')
      .where('round_start', '>=', clock.now() - CACHE_MS)
      .where({ skipped: 1 })
      .select('route_id', 'round_start')) as Array<{ route_id: string; round_start: number }>;
    for (const r of skippedRows) this.skipped.add(`${r.route_id}|${r.round_start}`);
    this.stopJumps = this.o.timeline.onJump((jump) => {
      this.jumps.push(jump);
      void this.evaluate();
    });
    for (const r of rows) {
      this.visits.set(key(r.route_id, r.checkpoint_id, r.round_start), {
        at: r.at,
        guardId: r.guard_id,
        method: r.method,
        timing: r.timing,
      });
    }
    this.timer = clock.setInterval(() => void this.evaluate(), 10_000);
    await this.evaluate();
  }

  stop(): void {
    this.o.clock.clearInterval(this.timer);
    this.stopJumps?.();
  }

  /**
   * A guard was at `position` (GPS) or scanned `tag`: record every checkpoint this counts for. Runs inside
   * the caller's transaction (the position's or the hub event's), so the visit and its cause commit together.
   */
  async visit(
    trx: Knex.Transaction,
    v: { guardId: string; at: number } & ({ position: LatLon } | { tag: string }),
  ): Promise<string[]> {
    const changed: string[] = [];
    const pending: Array<[string, Visit]> = [];
    for (const route of this.o.site.routes) {
      const schedule = this.schedules.get(route.id)!;
      for (const cp of route.checkpoints) {
        const reached =
          'tag' in v
            ? cp.tag !== undefined && cp.tag === v.tag
            : distanceM(cp.position, v.position) <= cp.radiusM;
        if (!reached) continue;
        const counted = classifyVisit(
          v.at,
          (start) => this.visits.has(key(route.id, cp.id, start)),
          schedule,
          this.o.site.timeZone,
        );
        if (!counted || counted.roundStart < this.since) continue;
        const visit: Visit = {
          at: v.at,
          guardId: v.guardId,
          method: 'tag' in v ? 'scan' : 'gps',
          timing: counted.timing,
        };
        await trx('patrol_visits')
          .insert({
            route_id: route.id,
            checkpoint_id: cp.id,
            round_start: counted.roundStart,
            at: v.at,
            guard_id: v.guardId,
            method: visit.method,
            timing: visit.timing,
          })
          .onConflict(['route_id', 'checkpoint_id', 'round_start'])
          .ignore();
        if (counted.timing === 'late') {
          await trx('patrol_rounds')
            .where({ route_id: route.id, round_start: counted.roundStart })
            .increment('late', 1);
          await writeDutyLog(trx, {
            at: v.at,
            kind: 'patrol_late',
            text: `${this.guardName(v.guardId)} 迟到巡查 ${pickText(cp.name, 'zh-CN')}（${pickText(route.name, 'zh-CN')} ${this.hm(counted.roundStart)} 轮）/ late at checkpoint`,
            operatorId: undefined,
          });
        }
        pending.push([key(route.id, cp.id, counted.roundStart), visit]);
        if (!changed.includes(route.id)) changed.push(route.id);
      }
    }
    if (pending.length) {
      trx.executionPromise.then(
        () => {
          for (const [k, visit] of pending) this.visits.set(k, visit);
          this.o.onChanged(changed.map((id) => this.routeView(id)));
        },
        () => undefined,
      );
    }
    return changed;
  }

  /**
   * Closes every round whose window has ended. Safe to call at any time: calls during a run are folded into one
   * more run, which reads the clock after they were made.
   */
  evaluate(): Promise<void> {
    if (this.evaluating) {
      this.again = true;
      return this.evaluating;
    }
    this.evaluating = (async () => {
      do {
        this.again = false;
        await this.evaluateOnce().catch((err: Error) =>
          this.o.log.error('patrol evaluation failed', { error: err.message }),
        );
      } while (this.again);
      this.evaluating = undefined;
    })();
    return this.evaluating;
  }

  private async evaluateOnce(): Promise<void> {
    const { db, clock, site } = this.o;
    // A jump since the last check is handled before the wall clock is trusted for closing rounds.
    this.o.timeline.check();
    const changed = new Set<string>();
    while (this.jumps.length) {
      const jump = this.jumps[0]!;
      for (const id of await this.afterJump(jump)) changed.add(id);
      this.jumps.shift();
    }
    const now = clock.now();
    for (const route of site.routes) {
      const schedule = this.schedules.get(route.id)!;
      const from = Math.max(this.since, now - CACHE_MS);
      const closedRows = (await db('patrol_rounds')
        .where({ route_id: route.id })
        .where('round_start', '>=', from)
        .select('round_start')) as Array<{ round_start: number }>;
      const closed = new Set(closedRows.map((r) => r.round_start));
      for (const round of roundsBetween(from, now, schedule, site.timeZone)) {
        if (round.windowEnd > now || closed.has(round.start)) continue;
        await this.closeRound(route, round);
        changed.add(route.id);
      }
    }
    if (changed.size) this.o.onChanged([...changed].map((id) => this.routeView(id)));
    this.forget(now - CACHE_MS);
  }

  /** A console runs for months: visits and skipped rounds older than the cache reaches are dropped from memory. */
  private forget(before: number): void {
    const roundOf = (k: string) => Number(k.slice(k.lastIndexOf('|') + 1));
    for (const k of this.visits.keys()) if (roundOf(k) < before) this.visits.delete(k);
    for (const k of this.skipped) if (roundOf(k) < before) this.skipped.delete(k);
  }

  /**
   * One jump of the wall clock. Forwards: every round whose window ended inside the jump is closed as skipped
   * (its visits so far kept, no alarm). Backwards: nothing to close; the rounds already closed that the wall clock
   * will pass again are named. Either way one duty-log entry says what happened. Returns the routes changed.
   */
  private async afterJump(jump: ClockJump): Promise<string[]> {
    const { db, site } = this.o;
    const forwards = jump.deltaMs > 0;
    const [lo, hi] = forwards ? [jump.from, jump.to] : [jump.to, jump.from];
    const changed: string[] = [];
    let rounds = 0;
    for (const route of site.routes) {
      const schedule = this.schedules.get(route.id)!;
      if (forwards) {
        const over = roundsBetween(Math.max(this.since, lo - CACHE_MS), hi, schedule, site.timeZone).filter(
          (r) => r.windowEnd > lo && r.windowEnd <= hi && r.start >= this.since,
        );
        for (const round of over) if (await this.closeRound(route, round, true)) rounds++;
        if (over.length) changed.push(route.id);
      } else {
        const closed = (await db('patrol_rounds')
          .where({ route_id: route.id })
          .where('window_end', '>', lo)
          .where('window_end', '<=', hi)
          .count({ n: '*' })
          .first()) as { n: number } | undefined;
        rounds += Number(closed?.n ?? 0);
      }
    }
    const span = `${this.stamp(lo)} – ${this.stamp(hi)}`;
    const minutes = Math.round(Math.abs(jump.deltaMs) / 60_000);
    if (site.routes.length === 0) return changed;
    await writeDutyLog(db, {
      at: jump.to,
      kind: 'patrol_round',
      text: forwards
        ? `系统时间向前跳变约 ${minutes} 分钟（${span}）：${rounds} 个巡更轮次的时间窗被跳过，记为跳过，不按漏巡报警` +
          ` · system clock jumped forward about ${minutes} min (${span}): ${rounds} patrol round(s) skipped, not raised as missed`
        : `系统时间向后跳变约 ${minutes} 分钟（${span}）：这段时间内已检查的 ${rounds} 个巡更轮次不再重复检查，巡更检查从 ${this.stamp(hi)} 起照常进行` +
          ` · system clock went back about ${minutes} min (${span}): ${rounds} patrol round(s) in it were already checked and are not checked again; checks go on as usual from ${this.stamp(hi)}`,
    }).catch((err: Error) =>
      this.o.log.error('duty log entry for a clock jump failed', { error: err.message }),
    );
    this.o.log.warn('patrol rounds after a clock jump', { deltaMs: jump.deltaMs, rounds, forwards });
    return changed;
  }

  /** Closes one round (once): missed checkpoints raise alarms, unless the clock jumped over it. True if closed now. */
  private async closeRound(
    route: RouteDef,
    round: { start: number; windowEnd: number; band: string },
    skipped = false,
  ): Promise<boolean> {
    const { db, alarms, site } = this.o;
    const timings = route.checkpoints.map((cp) => this.visits.get(key(route.id, cp.id, round.start))?.timing);
    const summary = summariseRound(timings);
    const guard = site.guards.find((g) => g.route === route.id);
    const guardName = guard ? pickText(guard.name, 'zh-CN') : '（未指定保安）';
    return db.transaction(async (trx) => {
      // Another evaluation (or another start of this console) closed it already: nothing to raise twice.
      if (await trx('patrol_rounds').where({ route_id: route.id, round_start: round.start }).first())
        return false;
      await trx('patrol_rounds').insert({
        route_id: route.id,
        round_start: round.start,
        window_end: round.windowEnd,
        band: round.band,
        on_time: summary.onTime,
        early: summary.early,
        late: timings.filter((t) => t === 'late').length,
        missed: summary.missed,
        checkpoints: summary.total,
        closed_at: this.o.clock.now(),
        skipped: skipped ? 1 : 0,
      });
      if (skipped) {
        trx.executionPromise.then(
          () => this.skipped.add(`${route.id}|${round.start}`),
          () => undefined,
        );
        return true;
      }
      for (const [i, cp] of route.checkpoints.entries()) {
        if (timings[i] === 'on_time' || timings[i] === 'early') continue;
        const camera = nearest(cp.position, this.o.cameras(), (c) => c.position);
        await alarms.receive(trx, {
          source: 'engine',
          sourceId: `patrol-missed:${route.id}:${cp.id}:${round.start}`,
          // A checkpoint missed round after round counts on one open alarm instead of stacking up.
          deviceId: `checkpoint:${route.id}:${cp.id}`,
          type: 'patrol_missed',
          zone: site.zones.find((z) => insidePolygon(cp.position, z.polygon) && z.kind !== 'perimeter')?.id,
          location: cp.position,
          cameras: camera && camera.distanceM <= CAMERA_LINK_MAX_M ? [camera.item.id] : [],
          raisedAt: round.windowEnd,
          text:
            `${guardName} 未按时巡查 ${pickText(cp.name, 'zh-CN')}（${pickText(route.name, 'zh-CN')} ${this.hm(round.start)} 轮）` +
            ` / ${guard ? pickText(guard.name, 'en') : 'no guard assigned'} missed ${pickText(cp.name, 'en')} (${pickText(route.name, 'en')}, round ${this.hm(round.start)})`,
        });
      }
      await writeDutyLog(trx, {
        at: round.windowEnd,
        kind: summary.missed ? 'patrol_missed' : 'patrol_round',
        text:
          `巡更 ${pickText(route.name, 'zh-CN')} ${this.hm(round.start)} 轮（${guardName}）：` +
          `按时 ${summary.onTime}，提前 ${summary.early}，漏检 ${summary.missed} / ${summary.total}` +
          ` · patrol round: ${summary.onTime} on time, ${summary.early} early, ${summary.missed} missed of ${summary.total}`,
      });
      return true;
    });
  }

  status(): PatrolRouteView[] {
    return this.o.site.routes.map((r) => this.routeView(r.id));
  }

  private routeView(routeId: string): PatrolRouteView {
    const { site, clock } = this.o;
    const route = site.routes.find((r) => r.id === routeId)!;
    const schedule = this.schedules.get(routeId)!;
    const now = clock.now();
    const round = roundAt(now, schedule, site.timeZone);
    const current: RoundView | undefined = round && {
      start: round.start,
      windowEnd: round.windowEnd,
      next: round.next,
      band: round.band,
      checkpoints: route.checkpoints.map((cp) => {
        const v = this.visits.get(key(routeId, cp.id, round.start));
        if (v)
          return { checkpointId: cp.id, state: v.timing, at: v.at, guardId: v.guardId, method: v.method };
        const closedMissed =
          now > round.windowEnd &&
          round.start >= this.since &&
          !this.skipped.has(`${routeId}|${round.start}`);
        return { checkpointId: cp.id, state: closedMissed ? ('missed' as const) : ('pending' as const) };
      }),
    };
    const midnight = now - minuteOfDay(now, site.timeZone) * 60_000 - (now % 60_000);
    const today = { rounds: 0, onTime: 0, early: 0, late: 0, missed: 0 };
    for (const r of roundsBetween(Math.max(midnight, this.since), now, schedule, site.timeZone)) {
      if (r.windowEnd > now || this.skipped.has(`${routeId}|${r.start}`)) continue;
      today.rounds++;
      for (const cp of route.checkpoints) {
        const v = this.visits.get(key(routeId, cp.id, r.start));
        if (v?.timing === 'on_time') today.onTime++;
        else if (v?.timing === 'early') today.early++;
        else {
          today.missed++;
          if (v?.timing === 'late') today.late++;
        }
      }
    }
    return { routeId, ...(current ? { current } : {}), nextStart: round?.next ?? now, today };
  }

  private guardName(guardId: string): string {
    const g = this.o.site.guards.find((x) => x.id === guardId);
    return g ? pickText(g.name, 'zh-CN') : guardId;
  }

  private stamp(at: number): string {
    const d = new Date(at);
    return `${d.toLocaleDateString('sv-SE', { timeZone: this.o.site.timeZone })} ${this.hm(at)}`;
  }

  private hm(at: number): string {
    const m = minuteOfDay(at, this.o.site.timeZone);
    return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }
}

function key(route: string, checkpoint: string, roundStart: number): string {
  return `${route}|${checkpoint}|${roundStart}`;
}
