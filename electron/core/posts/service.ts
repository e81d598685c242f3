import type { GuardView, HolidayView, PostBoard, PostState, PostView } from '../../../shared/contract';
import { guardStatus, type GuardThresholds } from '../../../shared/domain/guards';
import {
  dayKindOf,
  guardShiftAt,
  Holiday,
  nextGuardShift,
  peaksAhead,
  peaksAt,
  requiredPosts,
  type ActivePeak,
  type GuardShift,
  type PostDef,
} from '../../../shared/domain/posts';
import { fromLocal } from '../../../shared/domain/rounds';
import { localDay } from '../../../shared/domain/report-period';
import type { Bands } from '../../../shared/domain/shift';
import type { SiteFile } from '../../../shared/domain/site';
import type { LatLon } from '../../../shared/domain/geo';
import { pickText } from '../../../shared/domain/text';
import { SYSTEM, type Actor } from '../actor';
import type { AlarmService } from '../alarms';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { Infrastructure } from '../feature';
import { inBoth } from '../site/names';

/** What the posts need of the guards feature: who is on duty and whose phone reports. */
export interface GuardsOnDuty {
  views(): GuardView[];
  readonly settings: GuardThresholds;
  /** The guards' no-movement check, told who stands at a post by design (定点值守). */
  readonly still: { postsHeld: (() => Promise<ReadonlyMap<string, LatLon>>) | undefined };
}

export const UNMANNED_ALARM = 'post_unmanned';
/** The device id an unmanned post's alarm carries: one open alarm per post (the queue's re-trigger rule). */
export const postDevice = (postId: string) => `post:${postId}`;
/** How far ahead a supervisor may plan the posts. */
const PLAN_AHEAD_MS = 31 * 86_400_000;

interface HolidayRow {
  date: string;
  name: string;
  kind: 'holiday' | 'workday';
  updated_at: number;
  updated_by: string;
}
interface UnmannedRow {
  post_id: string;
  peak_id: string;
  since: number;
  alarm_id: string | null;
}

/** What one look at the posts reads (`Posts.look`). */
interface Look {
  now: number;
  shift: GuardShift;
  next: GuardShift;
  /** Each post's guard this shift and the next. */
  cur: Map<string, string>;
  after: Map<string, string>;
  states: Map<string, PostState>;
  required: ReturnType<typeof requiredPosts>;
  /** The open unmanned rows by post: the check keeps it in step as it raises and restores. */
  open: Map<string, UnmannedRow>;
}

/**
 * The fixed posts (定点值守): the guard assigned to each post per shift, whether he holds it now (assigned, his phone
 * reporting, not sent away to an alarm), the peaks from the site file on the days the holiday calendar says, and the
 * unmanned-post alarm: raised once when a running peak requires a post nobody holds, restored when it is held again
 * or the peak ends. The operator resolves it as any alarm.
 */
export class Posts {
  private calendar = new Map<string, HolidayRow>();
  private checking: Promise<unknown> = Promise.resolve();
  /** Since when each required post has been without its guard (this process's view: a restart starts it again). */
  private readonly unmannedSince = new Map<string, number>();

  constructor(
    private readonly o: Pick<Infrastructure, 'db' | 'clock' | 'site'> & {
      alarms: Pick<AlarmService, 'receive' | 'restore' | 'noteIn'>;
      guards: GuardsOnDuty;
    },
  ) {}

  private get site(): SiteFile {
    return this.o.site;
  }

  get bands(): Bands {
    return { dayStartMin: this.site.patrol.dayStart, dayEndMin: this.site.patrol.dayEnd };
  }

  async load(): Promise<void> {
    const rows = (await this.o.db('holidays').select()) as HolidayRow[];
    this.calendar = new Map(rows.map((r) => [r.date, r]));
  }

  shiftAt(at: number): GuardShift {
    return guardShiftAt(at, this.site.timeZone, this.bands);
  }

  activePeaks(at: number): ActivePeak[] {
    return peaksAt(at, this.site.peaks, this.calendar, this.site.timeZone);
  }

  /** Whether each post is held now by the guard assigned to it this shift. */
  private states(now: number, guards: ReadonlyMap<string, string>): Map<string, PostState> {
    const views = new Map(this.o.guards.views().map((g) => [g.guardId, g]));
    const thresholds = this.o.guards.settings;
    const out = new Map<string, PostState>();
    for (const post of this.site.posts) {
      const guardId = guards.get(post.id);
      const view = guardId === undefined ? undefined : views.get(guardId);
      if (!guardId || !view) out.set(post.id, 'unassigned');
      else if (view.duty !== 'on_patrol') out.set(post.id, 'guard_away');
      else if (guardStatus(view.duty, view.last?.at, now, thresholds) === 'offline')
        out.set(post.id, 'guard_offline');
      else out.set(post.id, 'held');
    }
    return out;
  }

  /**
   * One read of what the check and the board both need: this shift and the next with their assignments (one query),
   * who holds each post, what the running peaks require, and the open unmanned rows (one query).
   */
  private async look(): Promise<Look> {
    const now = this.o.clock.now();
    const shift = this.shiftAt(now);
    const next = nextGuardShift(shift, this.site.timeZone, this.bands);
    const rows = (await this.o
      .db('post_assignments')
      .whereIn('shift', [shift.key, next.key])
      .select('shift', 'post_id', 'guard_id')) as Array<{ shift: string; post_id: string; guard_id: string }>;
    const of = (key: string) =>
      new Map(rows.filter((r) => r.shift === key).map((r) => [r.post_id, r.guard_id]));
    const cur = of(shift.key);
    const open = (await this.o.db('post_unmanned').select()) as UnmannedRow[];
    return {
      now,
      shift,
      next,
      cur,
      after: of(next.key),
      states: this.states(now, cur),
      required: requiredPosts(this.activePeaks(now)),
      open: new Map(open.map((r) => [r.post_id, r])),
    };
  }

  /**
   * The guards assigned a post this shift, with where the post stands: the guards' "no movement" check passes by a
   * guard standing at his post (定点值守 is standing still by design).
   */
  async postsHeld(): Promise<Map<string, LatLon>> {
    const key = this.shiftAt(this.o.clock.now()).key;
    const rows = (await this.o
      .db('post_assignments')
      .where('shift', key)
      .select('post_id', 'guard_id')) as Array<{
      post_id: string;
      guard_id: string;
    }>;
    const at = new Map(this.site.posts.map((p) => [p.id, p.position]));
    const out = new Map<string, LatLon>();
    for (const r of rows) {
      const position = at.get(r.post_id);
      if (position) out.set(r.guard_id, position);
    }
    return out;
  }

  async board(): Promise<PostBoard> {
    return this.boardOf(await this.look());
  }

  private boardOf({ now, shift, next, cur, after, states, required, open }: Look): PostBoard {
    const tz = this.site.timeZone;
    const posts: PostView[] = this.site.posts.map((p) => ({
      id: p.id,
      name: inBoth(p.name),
      kind: p.kind,
      position: p.position,
      ...(p.gate ? { gate: p.gate } : {}),
      ...(p.zone ? { zone: p.zone } : {}),
      ...(cur.has(p.id) ? { guardId: cur.get(p.id)! } : {}),
      ...(after.has(p.id) ? { nextGuardId: after.get(p.id)! } : {}),
      state: states.get(p.id) ?? 'unassigned',
      required: required.has(p.id),
      alarmed: open.has(p.id),
    }));
    const today = localDay(now, tz);
    const since = localDay(now - 30 * 86_400_000, tz);
    return {
      shift,
      next,
      posts,
      peaks: peaksAhead(now, this.site.peaks, this.calendar, tz).map((a) => ({
        id: a.peak.id,
        name: inBoth(a.peak.name),
        day: a.day,
        from: a.from,
        to: a.to,
        posts: a.peak.posts,
        priority: a.peak.priority,
        active: now >= a.from && now < a.to,
      })),
      today: { date: today, kind: dayKindOf(today, this.calendar) },
      holidays: [...this.calendar.values()]
        .filter((h) => h.date >= since)
        .sort((a, b) => (a.date < b.date ? -1 : 1))
        .map(holidayView),
    };
  }

  /** The span of a shift key, refused when it is over or too far ahead. */
  private shiftSpan(key: string, now: number): { from: number; to: number } {
    const [date, band] = key.split('/') as [string, 'day' | 'night'];
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const start = fromLocal(
      { y, m, d },
      band === 'day' ? this.bands.dayStartMin : this.bands.dayEndMin,
      this.site.timeZone,
    );
    const span = this.shiftAt(start);
    if (span.key !== key) throw new ServiceError('invalid_input', `no shift ${key} at this site`);
    if (span.to <= now)
      throw new ServiceError('conflict', `shift ${key} is over: its posts can no longer change`);
    if (span.from - now > PLAN_AHEAD_MS)
      throw new ServiceError('invalid_input', `shift ${key} is more than 31 days ahead`);
    return span;
  }

  async assign(postId: string, shift: string, guardId: string | undefined, actor: Actor): Promise<void> {
    const post = this.site.posts.find((p) => p.id === postId);
    if (!post) throw new ServiceError('not_found', `no post "${postId}" in the site file`);
    const guard = guardId === undefined ? undefined : this.site.guards.find((g) => g.id === guardId);
    if (guardId !== undefined && !guard)
      throw new ServiceError('not_found', `no guard "${guardId}" in the site file`);
    const now = this.o.clock.now();
    this.shiftSpan(shift, now);
    await this.o.db.transaction(async (trx) => {
      const before = (await trx('post_assignments').where({ shift, post_id: postId }).first()) as
        { guard_id: string } | undefined;
      if (guardId !== undefined) {
        const elsewhere = (await trx('post_assignments')
          .where({ shift, guard_id: guardId })
          .whereNot({ post_id: postId })
          .first()) as { post_id: string } | undefined;
        if (elsewhere) {
          const other = this.site.posts.find((p) => p.id === elsewhere.post_id);
          throw new ServiceError(
            'conflict',
            `${pickText(guard!.name, 'en')} already holds ${other ? pickText(other.name, 'en') : elsewhere.post_id} that shift: clear it first`,
          );
        }
        await trx('post_assignments')
          .insert({ shift, post_id: postId, guard_id: guardId, assigned_at: now, assigned_by: actor.name })
          .onConflict(['shift', 'post_id'])
          .merge();
      } else await trx('post_assignments').where({ shift, post_id: postId }).delete();
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'posts.assign',
        target: postId,
        details: { shift, guard: guardId ?? null, before: before?.guard_id ?? null },
      });
      const zh = pickText(post.name, 'zh-CN');
      const en = pickText(post.name, 'en');
      const [day, band] = shift.split('/') as [string, string];
      const bandZh = band === 'day' ? '白班' : '夜班';
      await writeDutyLog(trx, {
        at: now,
        kind: 'post',
        operatorId: actor.id,
        text: guard
          ? `${day} ${bandZh} ${zh}：${pickText(guard.name, 'zh-CN')} 值守 · ${en} (${day} ${band}): ${pickText(guard.name, 'en')}`
          : `${day} ${bandZh} ${zh}：撤销值守安排 · ${en} (${day} ${band}): nobody assigned`,
      });
    });
  }

  async saveHoliday(input: Holiday, actor: Actor): Promise<void> {
    const h = Holiday.parse(input);
    const now = this.o.clock.now();
    const row: HolidayRow = { ...h, updated_at: now, updated_by: actor.name };
    await this.o.db.transaction(async (trx) => {
      const before = (await trx('holidays').where({ date: h.date }).first()) as HolidayRow | undefined;
      await trx('holidays').insert(row).onConflict('date').merge();
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'holidays.save',
        target: h.date,
        details: {
          name: h.name,
          kind: h.kind,
          before: before ? { name: before.name, kind: before.kind } : null,
        },
      });
    });
    this.calendar.set(h.date, row);
  }

  async removeHoliday(date: string, actor: Actor): Promise<void> {
    const now = this.o.clock.now();
    await this.o.db.transaction(async (trx) => {
      const before = (await trx('holidays').where({ date }).first()) as HolidayRow | undefined;
      if (!before) throw new ServiceError('not_found', `${date} is not in the holiday calendar`);
      await trx('holidays').where({ date }).delete();
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'holidays.remove',
        target: date,
        details: { name: before.name, kind: before.kind },
      });
    });
    this.calendar.delete(date);
  }

  /** Seeds the calendar when it is empty (the demo's holidays). */
  async seedHolidays(list: readonly Holiday[]): Promise<void> {
    if (await this.o.db('holidays').first()) return;
    for (const h of list) await this.saveHoliday(h, SYSTEM);
  }

  /** Seeds assignments for a shift where the post has none (the demo's guards at their posts). */
  async seedAssignments(shift: string, guards: ReadonlyMap<string, string>): Promise<void> {
    if (guards.size === 0) return;
    const now = this.o.clock.now();
    await this.o
      .db('post_assignments')
      .insert(
        [...guards].map(([post, guard]) => ({
          shift,
          post_id: post,
          guard_id: guard,
          assigned_at: now,
          assigned_by: SYSTEM.name,
        })),
      )
      .onConflict(['shift', 'post_id'])
      .ignore();
  }

  /**
   * Raises and restores the unmanned-post alarms, one check at a time, and gives the board as the check leaves it
   * (built from the check's own reads: the timer's tick and each change read the posts once).
   */
  check(): Promise<PostBoard> {
    const run = this.checking.then(() => this.checkNow());
    this.checking = run.catch(() => undefined);
    return run;
  }

  private async checkNow(): Promise<PostBoard> {
    const look = await this.look();
    const { now, cur, states, required, open } = look;
    for (const post of this.site.posts) {
      const need = required.get(post.id);
      const state = states.get(post.id) ?? 'unassigned';
      const row = open.get(post.id);
      if (!need || state === 'held') this.unmannedSince.delete(post.id);
      else if (!this.unmannedSince.has(post.id)) this.unmannedSince.set(post.id, now);
      const since = this.unmannedSince.get(post.id);
      if (
        need &&
        state !== 'held' &&
        !row &&
        since !== undefined &&
        now - since >= need.peak.peak.unmannedAfterMin * 60_000
      ) {
        open.set(post.id, await this.raise(post, need.peak, need.priority, state, cur.get(post.id), now));
      } else if (row && (!need || state === 'held')) {
        await this.restore(post, row, need ? 'held' : 'peak_over', now);
        open.delete(post.id);
      }
    }
    return this.boardOf(look);
  }

  private async raise(
    post: PostDef,
    active: ActivePeak,
    priority: number,
    state: PostState,
    guardId: string | undefined,
    now: number,
  ): Promise<UnmannedRow> {
    const guard = guardId ? this.site.guards.find((g) => g.id === guardId) : undefined;
    const guardZh = guard ? pickText(guard.name, 'zh-CN') : '';
    const guardEn = guard ? pickText(guard.name, 'en') : '';
    const why = {
      unassigned: { zh: '本班未安排保安', en: 'nobody is assigned this shift' },
      guard_away: { zh: `${guardZh} 已被派离岗位`, en: `${guardEn} was sent away from it` },
      guard_offline: { zh: `${guardZh} 的定位终端无信号`, en: `${guardEn}'s phone is not reporting` },
      held: { zh: '', en: '' },
    }[state];
    const peakZh = pickText(active.peak.name, 'zh-CN');
    const peakEn = pickText(active.peak.name, 'en');
    const texts = {
      'zh-CN': `${peakZh}期间 ${pickText(post.name, 'zh-CN')} 无人值守（${why.zh}）`,
      en: `${pickText(post.name, 'en')} unmanned during the ${peakEn} (${why.en})`,
    };
    return this.o.db.transaction(async (trx) => {
      const result = await this.o.alarms.receive(trx, {
        source: 'engine',
        sourceId: `post-unmanned:${post.id}:${now}`,
        deviceId: postDevice(post.id),
        type: UNMANNED_ALARM,
        priority,
        zone: post.zone,
        location: post.position,
        cameras: [],
        raisedAt: now,
        text: texts.en,
        texts,
      });
      const alarmId = result.status === 'duplicate' ? result.alarmId : result.alarm.id;
      // Raised again while its earlier alarm is still open: the queue re-triggers that one; say why this time.
      if (result.status === 'retrigger')
        await this.o.alarms.noteIn(trx, alarmId, `${texts['zh-CN']} · ${texts.en}`, SYSTEM);
      const row: UnmannedRow = { post_id: post.id, peak_id: active.peak.id, since: now, alarm_id: alarmId };
      await trx('post_unmanned').insert(row);
      await writeDutyLog(trx, { at: now, kind: 'post', alarmId, text: `${texts['zh-CN']} · ${texts.en}` });
      return row;
    });
  }

  private async restore(
    post: PostDef,
    row: UnmannedRow,
    why: 'held' | 'peak_over',
    now: number,
  ): Promise<void> {
    const zh = pickText(post.name, 'zh-CN');
    const en = pickText(post.name, 'en');
    await this.o.db.transaction(async (trx) => {
      await trx('post_unmanned').where({ post_id: post.id }).delete();
      await this.o.alarms.restore(trx, { deviceId: postDevice(post.id), type: UNMANNED_ALARM, at: now });
      await writeDutyLog(trx, {
        at: now,
        kind: 'post',
        ...(row.alarm_id ? { alarmId: row.alarm_id } : {}),
        text:
          why === 'held'
            ? `${zh} 已恢复值守 · ${en} is held again`
            : `高峰结束，${zh} 不再要求值守 · the peak is over: ${en} no longer required`,
      });
    });
  }
}

export function holidayView(r: HolidayRow): HolidayView {
  return { date: r.date, name: r.name, kind: r.kind, updatedAt: r.updated_at, updatedBy: r.updated_by };
}
