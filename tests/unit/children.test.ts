import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  killOrphans,
  MAX_REPORTED_CHILDREN,
  onChildren,
  reportedPids,
  tracked,
} from '../../electron/common/children';
import { alive } from '../support/processes';
import { until } from '../support/until';

describe('the children a service reports to its supervisor', () => {
  it('reports a started child once, and again without it once it has exited', async () => {
    const reports: number[][] = [];
    const off = onChildren((pids) => reports.push([...pids]), 20);
    try {
      const child = tracked(spawn('sleep', ['30']));
      const pid = child.pid!;
      await until('the start reported', () => reports.some((r) => r.includes(pid)));
      child.kill('SIGKILL');
      await until('the exit reported', () => reports.length > 1 && !reports.at(-1)!.includes(pid));
    } finally {
      off();
    }
  });

  it('reports the children started before it subscribed', async () => {
    const child = tracked(spawn('sleep', ['30']));
    const reports: number[][] = [];
    const off = onChildren((pids) => reports.push([...pids]), 20);
    try {
      await until('the earlier child reported', () => reports.some((r) => r.includes(child.pid!)));
    } finally {
      off();
      child.kill('SIGKILL');
    }
  });

  it('takes only a bounded list of real pids from a message', () => {
    expect(reportedPids([4242, 4243])).toEqual([4242, 4243]);
    // Not a list, a pid 0/1 (a group, init), negative, fractional or not a number: nothing to kill.
    for (const bad of [undefined, null, 'x', { 0: 5 }, [0], [1], [-5], [3.5], ['77'], [NaN]])
      expect(reportedPids(bad)).toEqual([]);
    expect(reportedPids(Array.from({ length: MAX_REPORTED_CHILDREN + 1 }, (_, i) => i + 2))).toEqual([]);
    // Whatever the channel carries: never a throw, and either nothing or exactly the pids it was given.
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const pids = reportedPids(value);
        expect(pids.length === 0 || pids === value).toBe(true);
        expect(pids.every((p) => Number.isSafeInteger(p) && p > 1)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('ends the orphans it is given, and counts one already gone as no error', async () => {
    const child = spawn('sleep', ['30']);
    const pid = child.pid!;
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    expect(killOrphans([pid, gone.pid!])).toBe(1);
    await until('the orphan ended', () => !alive(pid));
  });
});
