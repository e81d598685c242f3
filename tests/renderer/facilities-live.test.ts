import { describe, expect, it } from 'vitest';
import type { FacilityView } from '../../shared/contract';
import { withLiveStates } from '../../renderer/features/facilities/useFacilitiesData';

const entry = (id: string, deviceId?: string, live?: FacilityView['live']): FacilityView => ({
  id,
  code: id,
  name: id,
  kind: 'camera',
  inspectEveryDays: 1,
  maintainEveryDays: 90,
  origin: deviceId ? 'hub' : 'manual',
  availability24h: null,
  ...(deviceId ? { deviceId } : {}),
  ...(live ? { live } : {}),
});

describe('live states on the ledger rows', () => {
  it('puts a device’s new state on its entry only, keeps the others as they were, and never goes back in time', () => {
    const a = entry('a', 'dev-a', { state: 'ok', at: 1000 });
    const b = entry('b', 'dev-b', { state: 'ok', at: 1000 });
    const c = entry('c');
    const next = withLiveStates([a, b, c], [{ deviceId: 'dev-a', state: 'fault', at: 2000, text: '压力低' }]);
    expect(next[0]).toEqual({ ...a, live: { state: 'fault', at: 2000, text: '压力低' } });
    // Unchanged entries keep their identity: their memoised rows are not drawn again.
    expect(next[1]).toBe(b);
    expect(next[2]).toBe(c);
    // An older report than the row shows changes nothing, and nothing changed keeps the list itself.
    const same = [a, b, c];
    expect(withLiveStates(same, [{ deviceId: 'dev-b', state: 'offline', at: 500 }])).toBe(same);
    expect(withLiveStates(same, [{ deviceId: 'unknown', state: 'offline', at: 5000 }])).toBe(same);
  });
});
