import {
  NOTICE_CLOCK_JUMP,
  NOTICE_DATABASE_RECOVERED,
  NOTICE_CONSOLE_RESTARTED,
  NOTICE_DISK_FULL,
  NOTICE_DISK_LOW,
  NOTICE_DISK_RECOVERED,
  type Notice,
} from '../contract';
import { zhCN, type Messages } from './zh-CN';

/** i18next's translate function, as much of it as these need. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** The codes the core sends that have words of their own in `notices.codes` (the same in every language). */
const WORDED = new Set(Object.keys(zhCN.notices.codes));

const KIND_KEYS: Record<string, string> = {
  alarm: 'alarm',
  position: 'position',
  device: 'device',
  restore: 'restore',
  guard: 'guard',
  'action.applied': 'actionApplied',
};

/** Whether the hub protocol has this event kind (so it has words of its own). */
export function knownKind(kind: string | null | undefined): boolean {
  return !!kind && kind in KIND_KEYS;
}

/** A hub event kind in the operator's words; a kind the protocol does not have is shown as it came. */
export function kindText(t: Translate, kind: string | null | undefined): string {
  if (!kind) return t('hub.kinds.unknown');
  const key = KIND_KEYS[kind];
  return key ? t(`hub.kinds.${key}`) : kind;
}

/**
 * A notice in the operator's language: `notices.codes.<code>` with its params when the core's code has words of
 * its own, else the message as it came (notices the renderer made itself are already in the operator's
 * language). A folded repeat says how many times it happened. `clock` writes a time as the console shows it; with
`messages` (the operator's language), the codes `wordNotice` knows (a clock jump, the disk) are worded by it.
 */
export function noticeText(
  t: Translate,
  notice: Notice,
  clock: (at: number) => string,
  messages?: Messages,
): string {
  let text = notice.message;
  const worded = messages ? wordNotice(messages, notice) : undefined;
  if (worded !== undefined) {
    text = worded;
  } else if (notice.code === NOTICE_CONSOLE_RESTARTED) {
    text = t('notices.consoleRestarted', { time: clock(notice.at) });
  } else if (WORDED.has(notice.code)) {
    const params: Record<string, string | number> = { ...notice.params };
    if (notice.code === 'hub-event-refused') {
      params.kind = kindText(t, typeof params.kind === 'string' && params.kind !== '?' ? params.kind : null);
      if (typeof params.reason === 'string') params.reason = t(`hub.deadLetterReason.${params.reason}`);
    }
    if (notice.code === 'playbook-skip') params.drill = params.drill ? `[${t('playbooks.drillBadge')}] ` : '';
    text = t(`notices.codes.${notice.code}`, params);
  }
  return (notice.count ?? 1) > 1 ? `${text}${t('notices.repeated', { count: notice.count })}` : text;
}

/** A span of time in the largest unit that keeps it readable (a jump of minutes, of days). */
export function spanParts(ms: number): { unit: 's' | 'min' | 'h' | 'd'; n: number } {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return { unit: 's', n: s };
  const min = Math.round(s / 60);
  if (min < 120) return { unit: 'min', n: min };
  const h = Math.round(min / 60);
  if (h < 48) return { unit: 'h', n: h };
  return { unit: 'd', n: Math.round(h / 24) };
}

/** Date and time as the console shows a moment that may be on another day: `2026-11-24 09:50:00`, local time. */
export function formatStamp(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** i18next's `{{name}}` interpolation, for words put together without i18next (the core, the PDF reports). */
export const fill = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));

/**
 * The words for a notice the console raises with a code and values (a clock jump, the disk), in the language of
 * `messages`: the core uses it for the default language, the page again for the operator's. Undefined for a code
 * it does not word (the notice's own message stands).
 */
export function wordNotice(
  messages: Messages,
  notice: Pick<Notice, 'code' | 'params'>,
  time: (at: number) => string = formatStamp,
): string | undefined {
  const m = messages.notices;
  const p = notice.params ?? {};
  const num = (key: string) => Number(p[key]);
  switch (notice.code) {
    case NOTICE_CLOCK_JUMP: {
      const delta = num('deltaMs');
      if (!Number.isFinite(delta)) return undefined;
      const { unit, n } = spanParts(delta);
      return fill(delta > 0 ? m.clockJumpForward : m.clockJumpBack, {
        amount: fill(m.span[unit], { n }),
        from: time(num('from')),
        to: time(num('to')),
      });
    }
    case NOTICE_DISK_LOW:
      return fill(m.diskLow, { free: num('freeMb'), freed: num('freedMb') });
    case NOTICE_DISK_FULL:
      return fill(m.diskFull, { free: num('freeMb') });
    case NOTICE_DISK_RECOVERED:
      return fill(m.diskRecovered, { free: num('freeMb') });
    case NOTICE_DATABASE_RECOVERED: {
      const words = {
        problem: String(p.problem ?? ''),
        file: String(p.setAsideAs ?? ''),
        n: num('salvaged') || 0,
      };
      return Number.isFinite(num('restoredAt'))
        ? fill(m.databaseRecovered, { ...words, time: time(num('restoredAt')) })
        : fill(m.databaseReplaced, words);
    }
    default:
      return undefined;
  }
}
