/**
 * Rounds (issue 18, second slice): the video inspection round (视频巡查) and the facility inspections (巡检) —
 * their schedules, when each is due in the site's local time, the checklists per facility kind and what a video
 * picture can be found to have wrong. Pure: the core keeps the records, these decide.
 */
import { z } from 'zod';
import { FacilityKind, type FacilityKind as Kind } from './facilities';
import { utcOffsetMin } from './patrol';
import type { Bands } from './shift';
import { LocalizedText } from './text';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM, e.g. "17:00"');

/**
 * How often a round is due. `shift`: by the end of every shift (the patrol bands' edges); `day`: by `at` each day;
 * `week`: by `at` on `weekday` (1 Monday … 7 Sunday); `month`: by `at` on `monthDay` (a day the month lacks is its
 * last: 31 is the month end). A round done any time after the previous due time counts for the next.
 */
export const RoundSchedule = z
  .object({
    every: z.enum(['shift', 'day', 'week', 'month']),
    at: HHMM.default('17:00'),
    weekday: z.number().int().min(1).max(7).default(5),
    monthDay: z.number().int().min(1).max(31).default(31),
  })
  .strict();
export type RoundSchedule = z.output<typeof RoundSchedule>;

export const ROUND_ID = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _ (at most 40)');

/** Where and when a round runs, for both kinds: a zone (else the whole site) and a schedule. */
const roundPlace = {
  zone: z.string().min(1).max(64).optional(),
  schedule: RoundSchedule,
};

/** A facility inspection round (巡检): the ledger's entries of some kinds (in a zone), on a schedule. */
export const InspectionRoundDef = z
  .object({
    id: ROUND_ID,
    name: LocalizedText,
    kinds: z.array(FacilityKind).min(1).max(20),
    ...roundPlace,
  })
  .strict();
export type InspectionRoundDef = z.output<typeof InspectionRoundDef>;

/** A video inspection round (视频巡查): every camera of the site (or of a zone), on a schedule. */
export const VideoRoundDef = z.object({ id: ROUND_ID, name: LocalizedText, ...roundPlace }).strict();
export type VideoRoundDef = z.output<typeof VideoRoundDef>;

/** One thing to check on a facility: passed or failed, or a reading with the range it must be in. */
export const ChecklistItem = z
  .object({
    id: ROUND_ID,
    text: LocalizedText,
    value: z
      .object({
        unit: z.string().max(12).optional(),
        min: z.number().optional(),
        max: z.number().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ChecklistItem = z.output<typeof ChecklistItem>;

/** What the site file may say of rounds: each list replaces the built-in one when given. */
export const SiteRounds = z
  .object({
    checklists: z.partialRecord(FacilityKind, z.array(ChecklistItem).min(1).max(30)).optional(),
    inspections: z.array(InspectionRoundDef).max(50).optional(),
    video: z.array(VideoRoundDef).max(20).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    [...(r.inspections ?? []), ...(r.video ?? [])].forEach((round) => {
      if (seen.has(round.id))
        ctx.addIssue({ code: 'custom', path: ['id'], message: `duplicate round id "${round.id}"` });
      seen.add(round.id);
    });
  });
export type SiteRounds = z.output<typeof SiteRounds>;

/** What can be wrong with a camera's picture. */
export const VIDEO_PROBLEMS = ['dirty_lens', 'wrong_angle', 'no_picture', 'something_seen'] as const;
export type VideoProblem = (typeof VIDEO_PROBLEMS)[number];

/** The control room's daily duty: every camera looked at once a shift (「确保设备24小时正常运行」). */
export const DEFAULT_VIDEO_ROUNDS: VideoRoundDef[] = [
  {
    id: 'video-all',
    name: { 'zh-CN': '全部摄像机视频巡查', en: 'Video round, all cameras' },
    schedule: RoundSchedule.parse({ every: 'shift' }),
  },
];

/** The service plan's daily facility round, GB 25201's weekly fire-facility check, the monthly extinguisher check. */
export const DEFAULT_INSPECTIONS: InspectionRoundDef[] = [
  {
    id: 'daily-facilities',
    name: { 'zh-CN': '公共设施每日巡检', en: 'Daily round of public facilities' },
    kinds: ['lighting', 'barrier', 'access_control', 'other'],
    schedule: RoundSchedule.parse({ every: 'day', at: '17:00' }),
  },
  {
    id: 'weekly-fire',
    name: { 'zh-CN': '消防设施每周检查', en: 'Weekly fire-facility check' },
    kinds: [
      'fire_panel',
      'fire_pump',
      'hydrant',
      'fire_door',
      'sprinkler',
      'emergency_lighting',
      'evacuation_sign',
      'manual_call_point',
      'fire_detector',
    ],
    schedule: RoundSchedule.parse({ every: 'week', weekday: 5, at: '17:00' }),
  },
  {
    id: 'monthly-extinguishers',
    name: { 'zh-CN': '灭火器月度检查', en: 'Monthly extinguisher check' },
    kinds: ['extinguisher'],
    schedule: RoundSchedule.parse({ every: 'month', monthDay: 31, at: '17:00' }),
  },
];

const item = (id: string, zh: string, en: string, value?: ChecklistItem['value']): ChecklistItem => ({
  id,
  text: { 'zh-CN': zh, en },
  ...(value ? { value } : {}),
});
const WORKS = item('works', '外观完好、功能正常', 'Intact and working');

/** What to check on each kind (GB 25201 / GB 25506 practice for the fire parts); the site file may replace any. */
export const DEFAULT_CHECKLISTS: Record<Kind, ChecklistItem[]> = {
  camera: [item('picture', '图像清晰、角度正确', 'Picture clear, angle right')],
  access_control: [WORKS, item('closes', '门能自动关闭上锁', 'Door closes and locks by itself')],
  intrusion_detector: [WORKS],
  alarm_panel: [WORKS, item('power', '主电、备电正常', 'Mains and standby power normal')],
  fire_panel: [
    item('power', '主电、备电正常', 'Mains and standby power normal'),
    item('no_fault', '无故障、无屏蔽', 'No faults, nothing disabled'),
    item('self_test', '自检正常', 'Self-test passes'),
  ],
  fire_detector: [item('indicator', '指示灯正常闪烁，无遮挡', 'Indicator blinking, nothing covering it')],
  manual_call_point: [item('intact', '外观完好、标识清楚', 'Intact, clearly marked')],
  hydrant: [
    item('complete', '水带、水枪、阀门齐全', 'Hose, nozzle and valve present'),
    item('pressure', '栓口压力', 'Outlet pressure', { unit: 'MPa', min: 0.35, max: 0.5 }),
  ],
  extinguisher: [
    item('gauge', '压力表指针在绿区', 'Pressure gauge in the green'),
    item('seal', '铅封、保险销完好', 'Seal and safety pin intact'),
    item('in_date', '在有效期内', 'Within its service date'),
  ],
  fire_door: [item('closes', '能自行关闭、闭门器完好', 'Closes by itself, closer intact'), WORKS],
  sprinkler: [item('pressure', '末端试水压力', 'Test-valve pressure', { unit: 'MPa', min: 0.05, max: 1.2 })],
  fire_pump: [
    item('test_run', '试运转正常', 'Test run normal'),
    item('pressure', '出水压力', 'Outlet pressure', { unit: 'MPa', min: 0.3, max: 1.6 }),
  ],
  emergency_lighting: [item('lights', '断电测试能点亮', 'Lights up on the power-cut test')],
  evacuation_sign: [item('lit', '标志亮、指向正确', 'Lit and pointing the right way')],
  sensor: [WORKS],
  lighting: [item('lit', '灯具完好、能正常点亮', 'Lamp intact and lights up')],
  barrier: [WORKS, item('lifts', '抬杆、落杆正常', 'Arm lifts and drops normally')],
  other: [WORKS],
};

/** The site's rounds and checklists: each list the site file gives, else the built-in one. */
export function roundsOf(site: SiteRounds | undefined): {
  video: VideoRoundDef[];
  inspections: InspectionRoundDef[];
  checklists: Record<Kind, ChecklistItem[]>;
} {
  return {
    video: site?.video ?? DEFAULT_VIDEO_ROUNDS,
    inspections: site?.inspections ?? DEFAULT_INSPECTIONS,
    checklists: { ...DEFAULT_CHECKLISTS, ...(site?.checklists ?? {}) },
  };
}

/** A reading outside its item's range fails it; a reading of an item without a range passes. */
export function valuePasses(item: ChecklistItem, value: number): boolean {
  const v = item.value;
  if (!v) return true;
  return (v.min === undefined || value >= v.min) && (v.max === undefined || value <= v.max);
}

// ————— Time: the site's local days, shifts, weeks and months —————

const DAY_MS = 86_400_000;
interface LocalDay {
  y: number;
  m: number;
  d: number;
}

/** The local calendar day and minute of `at` in `timeZone`, and its weekday (1 Monday … 7 Sunday). */
export function localParts(at: number, timeZone: string): LocalDay & { minute: number; weekday: number } {
  const local = new Date(at + utcOffsetMin(at, timeZone) * 60_000);
  const day = local.getUTCDay();
  return {
    y: local.getUTCFullYear(),
    m: local.getUTCMonth() + 1,
    d: local.getUTCDate(),
    minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
    weekday: day === 0 ? 7 : day,
  };
}

/**
 * The instant a local day and minute name in `timeZone`. A local time a clock change skips (the spring hour) is
 * read with the offset before the change, so it lands just after it; a repeated one is its first occurrence.
 */
export function fromLocal(day: LocalDay, minute: number, timeZone: string): number {
  const naive = Date.UTC(day.y, day.m - 1, day.d, 0, minute);
  // At most one clock change within a day either side: the offsets before and after it are the candidates.
  const before = naive - utcOffsetMin(naive - DAY_MS, timeZone) * 60_000;
  const after = naive - utcOffsetMin(naive + DAY_MS, timeZone) * 60_000;
  const readsBack = (t: number) => {
    const p = localParts(t, timeZone);
    return p.y === day.y && p.m === day.m && p.d === day.d && p.minute === minute;
  };
  const valid = [before, after].filter(readsBack);
  return valid.length ? Math.min(...valid) : before;
}

/** The local day `n` days after `day` (the calendar's, not 24 h: a clock change keeps the local times). */
export function addDays(day: LocalDay, n: number): LocalDay {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
/** The minute of the day an `HH:MM` names. */
export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The shift `at` falls in: the day band's [start, end) or the night's [end, next start), as local times. */
export function shiftAt(at: number, timeZone: string, bands: Bands): { from: number; to: number } {
  const p = localParts(at, timeZone);
  const { dayStartMin: start, dayEndMin: end } = bands;
  if (p.minute >= start && p.minute < end)
    return { from: fromLocal(p, start, timeZone), to: fromLocal(p, end, timeZone) };
  if (p.minute >= end)
    return { from: fromLocal(p, end, timeZone), to: fromLocal(addDays(p, 1), start, timeZone) };
  return { from: fromLocal(addDays(p, -1), end, timeZone), to: fromLocal(p, start, timeZone) };
}

export interface ScheduleZone {
  timeZone: string;
  bands: Bands;
}

/** The first due time after `after` (strictly). */
export function nextDue(s: RoundSchedule, after: number, z: ScheduleZone): number {
  if (s.every === 'shift') return shiftAt(after, z.timeZone, z.bands).to;
  const today = localParts(after, z.timeZone);
  const at = minutesOf(s.at);
  if (s.every === 'month') {
    for (let k = 0; k < 3; k++) {
      const first = new Date(Date.UTC(today.y, today.m - 1 + k, 1));
      const y = first.getUTCFullYear();
      const m = first.getUTCMonth() + 1;
      const due = fromLocal({ y, m, d: Math.min(s.monthDay, daysInMonth(y, m)) }, at, z.timeZone);
      if (due > after) return due;
    }
  } else {
    for (let k = 0; k < 9; k++) {
      const day = addDays(today, k);
      const due = fromLocal(day, at, z.timeZone);
      if (s.every === 'week' && localParts(due, z.timeZone).weekday !== s.weekday) continue;
      if (due > after) return due;
    }
  }
  throw new Error(`no due time after ${after} for ${JSON.stringify(s)}`);
}

/** The longest gap between two due times of each frequency, and a little more. */
const LOOKBACK: Record<RoundSchedule['every'], number> = {
  shift: DAY_MS,
  day: 2 * DAY_MS,
  week: 8 * DAY_MS,
  month: 32 * DAY_MS,
};

/** The last due time at or before `at`. */
export function prevDue(s: RoundSchedule, at: number, z: ScheduleZone): number {
  let due = nextDue(s, at - LOOKBACK[s.every], z);
  for (;;) {
    const next = nextDue(s, due, z);
    if (next > at) return due;
    due = next;
  }
}

/** The period a due time closes: a round done in (from, to] counts for it. */
export function periodOf(s: RoundSchedule, due: number, z: ScheduleZone): { from: number; to: number } {
  return { from: prevDue(s, due - 1, z), to: due };
}

export type DueState = 'done' | 'pending' | 'missed';
export interface DueItem {
  roundId: string;
  dueAt: number;
  /** The period's start: a round finished after it counts. */
  from: number;
  state: DueState;
  doneAt?: number;
}

/**
 * What is due in a shift: for each round, every due time that falls in the shift, or — a round due less often than
 * a shift (a weekly, a monthly one) — the period running at its start. `finished` holds the times each round was
 * finished (any order). Done if finished in the period; missed once the due time passed without; else pending.
 */
export function dueList(
  rounds: ReadonlyArray<{ id: string; schedule: RoundSchedule }>,
  finished: ReadonlyMap<string, readonly number[]>,
  shift: { from: number; to: number },
  now: number,
  z: ScheduleZone,
): DueItem[] {
  const out: DueItem[] = [];
  for (const r of rounds) {
    const times = finished.get(r.id) ?? [];
    let due = nextDue(r.schedule, shift.from, z);
    let from = prevDue(r.schedule, due - 1, z);
    for (let first = true; first || due < shift.to; first = false) {
      const doneAt = times.filter((t) => t > from && t <= due).sort((a, b) => a - b)[0];
      out.push({
        roundId: r.id,
        dueAt: due,
        from,
        state: doneAt !== undefined ? 'done' : now > due ? 'missed' : 'pending',
        ...(doneAt !== undefined ? { doneAt } : {}),
      });
      from = due;
      due = nextDue(r.schedule, due, z);
    }
  }
  return out.sort((a, b) => a.dueAt - b.dueAt || a.roundId.localeCompare(b.roundId));
}

// ————— The maintenance schedule (定期维护) —————

/** A reminder goes out this long before a maintenance visit is due. */
export const MAINTENANCE_REMINDER_MS = DAY_MS;

/**
 * When an entry's next maintenance is due: its interval after the last visit recorded, or — never maintained here —
 * after it entered the ledger (an entry imported today is not overdue for the years before the console knew it).
 * The due time is the local end of that day (23:59), so a visit any time on the day is on time.
 */
export function maintenanceDue(
  entry: { since: number; lastDoneAt?: number | undefined; everyDays: number },
  timeZone: string,
): number {
  const base = localParts(entry.lastDoneAt ?? entry.since, timeZone);
  return fromLocal(addDays(base, entry.everyDays), 23 * 60 + 59, timeZone);
}

/** Due within the reminder's lead time (or overdue): on the maintenance list. */
export function maintenanceListed(dueAt: number, now: number): boolean {
  return dueAt - now <= MAINTENANCE_REMINDER_MS;
}
