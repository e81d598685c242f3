import type { TFunction } from 'i18next';
import type { GuardShiftView } from '../../../shared/contract';
import { formatClock } from '../../ui/hooks';

/** 「12-01 白班 08:00–20:00」: a guards' shift as the posts tab names it. */
export function shiftLabel(t: TFunction, s: GuardShiftView): string {
  const [date] = s.key.split('/') as [string];
  return `${date.slice(5)} ${t(s.band === 'day' ? 'topbar.shiftDay' : 'topbar.shiftNight')} ${span(s)}`;
}

/** 「07:00–09:00」 */
export const span = (s: { from: number; to: number }) =>
  `${formatClock(s.from, false)}–${formatClock(s.to, false)}`;
