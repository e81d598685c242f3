import type { TFunction } from 'i18next';
import type { GuardShiftView } from '../../../shared/contract';

/** 「08:00」 on the site's clock (the shifts and peaks are the site's local times, not the browser's). */
function clockAt(at: number, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/** 「07:00–09:00」 on the site's clock. */
export const span = (s: { from: number; to: number }, timeZone: string | undefined) =>
  `${clockAt(s.from, timeZone)}–${clockAt(s.to, timeZone)}`;

/** 「12-01 白班 08:00–20:00」: a guards' shift as the posts tab names it. */
export function shiftLabel(t: TFunction, s: GuardShiftView, timeZone: string | undefined): string {
  const [date] = s.key.split('/') as [string];
  return `${date.slice(5)} ${t(s.band === 'day' ? 'topbar.shiftDay' : 'topbar.shiftNight')} ${span(s, timeZone)}`;
}
