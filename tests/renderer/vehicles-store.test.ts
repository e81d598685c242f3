import { describe, expect, it } from 'vitest';
import type { GateDesk, GateReadView } from '../../shared/contract';
import { applyRead } from '../../renderer/features/vehicles/store';

const read = (id: number, over: Partial<GateReadView> = {}): GateReadView => ({
  id,
  readId: `r${id}`,
  gateId: 'gate-south',
  direction: 'in',
  plate: `浙A1000${id}`,
  valid: true,
  confidence: 0.9,
  at: id * 1000,
  match: 'unknown',
  near: [],
  barrier: 'waiting',
  ...over,
});

const empty: GateDesk = {
  gates: [
    { id: 'gate-south', name: '南门', reads: [] },
    { id: 'gate-north', name: '北门', reads: [] },
  ],
  waiting: [],
  inside: 0,
  visitorDefaults: { limitMin: 120 },
};

describe('gate desk store', () => {
  it('puts a read first in its gate, keeps the last few, and queues a waiting one by arrival', () => {
    let desk = empty;
    for (let i = 1; i <= 10; i++) desk = applyRead(desk, read(i), 0, 8);
    expect(desk.gates[0]!.reads.map((r) => r.id)).toEqual([10, 9, 8, 7, 6, 5, 4, 3]);
    expect(desk.gates[1]!.reads).toEqual([]);
    expect(desk.waiting.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a decided read leaves the waiting ones and replaces itself in its gate; the count inside is the core’s', () => {
    let desk = applyRead(applyRead(empty, read(1), 0), read(2), 0);
    desk = applyRead(desk, read(1, { barrier: 'opened', decision: 'allow_once', decidedBy: '李明' }), 1);
    expect(desk.waiting.map((r) => r.id)).toEqual([2]);
    expect(desk.gates[0]!.reads.map((r) => [r.id, r.barrier])).toEqual([
      [1, 'opened'],
      [2, 'waiting'],
    ]);
    expect(desk.inside).toBe(1);
  });
});
