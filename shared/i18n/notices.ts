import {
  NOTICE_CLOCK_JUMP,
  NOTICE_DISK_FULL,
  NOTICE_DISK_LOW,
  NOTICE_DISK_RECOVERED,
  type Notice,
} from '../contract/system';
import type { Messages } from './zh-CN';

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

const fill = (text: string, vars: Record<string, string | number>) =>
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
    default:
      return undefined;
  }
}
