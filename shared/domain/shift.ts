/**
 * Day and night bands. The service plan patrols every 2 hours by day and every hour at night, and shifts
 * change at the band edges; the boundaries are configurable per site.
 */
export interface Bands {
  /** Minutes after local midnight when the day band starts / ends. */
  dayStartMin: number;
  dayEndMin: number;
}

export const DEFAULT_BANDS: Bands = { dayStartMin: 8 * 60, dayEndMin: 20 * 60 };

export type Band = 'day' | 'night';

/** `minuteOfDay` is local time (the site's clock), 0-1439. */
export function bandAt(minuteOfDay: number, bands: Bands = DEFAULT_BANDS): Band {
  return minuteOfDay >= bands.dayStartMin && minuteOfDay < bands.dayEndMin ? 'day' : 'night';
}

export function formatHm(minuteOfDay: number): string {
  const h = Math.floor(minuteOfDay / 60) % 24;
  const m = minuteOfDay % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** "08:00–20:00" for the band containing the minute. */
export function bandSpan(minuteOfDay: number, bands: Bands = DEFAULT_BANDS): string {
  return bandAt(minuteOfDay, bands) === 'day'
    ? `${formatHm(bands.dayStartMin)}–${formatHm(bands.dayEndMin)}`
    : `${formatHm(bands.dayEndMin)}–${formatHm(bands.dayStartMin)}`;
}

/** Seconds → "12 s", "5 min", "3 h" pieces for age labels; the caller translates the unit. */
export function ageParts(ms: number): { unit: 'secondsAgo' | 'minutesAgo' | 'hoursAgo'; n: number } {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return { unit: 'secondsAgo', n: s };
  if (s < 7200) return { unit: 'minutesAgo', n: Math.floor(s / 60) };
  return { unit: 'hoursAgo', n: Math.floor(s / 3600) };
}
