/**
 * The site map's alarm markers in a flood: which alarms get one is read off the alarms store's queue (kept in
 * order), and must be exactly the queue's order cut at the limit (the most urgent first, only alarms with a
 * position).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlarmView } from '../../shared/contract';
import { compareAlarms } from '../../shared/domain/alarm-lifecycle';
import { mostUrgentLocated } from '../../renderer/features/guards/map-alarms';
import { alarm } from './support';

const queue = (alarms: AlarmView[]) => [...alarms].sort(compareAlarms);

const arbAlarm = fc.record({
  priority: fc.integer({ min: 1, max: 5 }),
  seq: fc.integer({ min: 1, max: 50 }),
  held: fc.boolean(),
  located: fc.boolean(),
});

describe('site map: the alarms that get a marker', () => {
  it('are the located alarms in queue order, cut at the limit', () => {
    fc.assert(
      fc.property(fc.array(arbAlarm, { maxLength: 300 }), fc.integer({ min: 0, max: 120 }), (specs, max) => {
        const alarms = specs.map((s, i) =>
          alarm({
            id: `a${String(i).padStart(4, '0')}`,
            priority: s.priority,
            seq: s.seq,
            held: s.held,
            ...(s.located ? { location: { lat: 30 + i / 1000, lon: 120 } } : {}),
          }),
        );
        const expected = alarms
          .filter((a) => a.location)
          .sort(compareAlarms)
          .slice(0, max);
        expect(mostUrgentLocated(queue(alarms), max).map((a) => a.id)).toEqual(expected.map((a) => a.id));
      }),
    );
  });

  it('puts a fire that arrives last ahead of a full map of lesser alarms, and leaves out unlocated ones', () => {
    const lesser = Array.from({ length: 150 }, (_, i) =>
      alarm({ id: `door-${i}`, priority: 3, seq: i + 1, location: { lat: 30, lon: 120 } }),
    );
    const nowhere = alarm({ id: 'nowhere', priority: 1, seq: 151 });
    const fire = alarm({ id: 'fire', priority: 1, seq: 152, location: { lat: 30.1, lon: 120.1 } });
    const shown = mostUrgentLocated(queue([...lesser, nowhere, fire]), 100);
    expect(shown).toHaveLength(100);
    expect(shown[0]?.id).toBe('fire');
    expect(shown.map((a) => a.id)).not.toContain('nowhere');
    expect(shown.at(-1)?.id).toBe('door-98');
  });
});
