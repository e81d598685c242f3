import { describe, expect, it } from 'vitest';
import { timeOfDayBefore } from '../../renderer/features/recordings/store';

describe('the replay player: go to a time', () => {
  const now = new Date(2026, 11, 1, 9, 30, 0).getTime();
  it('reads hh:mm and hh:mm:ss as today, or yesterday when that time is still to come', () => {
    expect(timeOfDayBefore('09:15', now)).toBe(new Date(2026, 11, 1, 9, 15, 0).getTime());
    expect(timeOfDayBefore('8:05:30', now)).toBe(new Date(2026, 11, 1, 8, 5, 30).getTime());
    expect(timeOfDayBefore('23:50', now)).toBe(new Date(2026, 10, 30, 23, 50, 0).getTime());
  });
  it('refuses what is not a time of day', () => {
    for (const v of ['', '9', '25:00', '09:61', 'noon', '09:15:5'])
      expect(timeOfDayBefore(v, now)).toBeUndefined();
  });
});
