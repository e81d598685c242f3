import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyStep,
  fillScript,
  PlaybookRuleError,
  runState,
  softphoneUri,
  stepTimings,
  validatePlaybook,
  type PlaybookDefinition,
  type PlaybookInput,
  type StepRecord,
} from '../../shared/domain/playbook';
import { ALARM_TYPES } from '../../shared/domain/alarm';

const T = (s: string) => ({ 'zh-CN': s, en: s });
const START = Date.UTC(2026, 10, 24, 2, 0, 0);
const sec = (n: number) => START + n * 1000;

const FIRE_LIKE: PlaybookInput = {
  id: 'test-fire',
  title: T('fire'),
  alarmTypes: ['fire'],
  steps: [
    { id: 'look', kind: 'camera', title: T('look'), targetSec: 30 },
    { id: 'confirm', kind: 'wait', title: T('confirm within 3 min'), timeoutSec: 180 },
    { id: 'real', kind: 'decision', title: T('real?'), yes: 'call-119', no: 'fault-log' },
    { id: 'call-119', kind: 'call', title: T('call 119'), contactKind: 'fire', targetSec: 300 },
    { id: 'report', kind: 'notify', title: T('report'), next: 'end' },
    { id: 'fault-log', kind: 'check', title: T('fault log') },
  ],
};

function definition(input: PlaybookInput = FIRE_LIKE): PlaybookDefinition {
  const v = validatePlaybook(input);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.playbook;
}

function walk(
  def: PlaybookDefinition,
  steps: [string, StepRecord['outcome'], number, string?][],
): StepRecord[] {
  const records: StepRecord[] = [];
  for (const [stepId, outcome, at, reason] of steps)
    records.push(applyStep(def, records, START, { stepId, outcome, reason }, at, 'Li'));
  return records;
}

describe('playbook schema', () => {
  it('accepts every shipped playbook, in both languages, and maps the main alarm types', () => {
    const dir = join(__dirname, '../../resources/playbooks');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    const types = new Set<string>();
    for (const f of files) {
      const v = validatePlaybook(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      expect(v.ok, `${f}: ${v.ok ? '' : JSON.stringify(v.errors)}`).toBe(true);
      if (!v.ok) continue;
      expect(`${v.playbook.id}.json`).toBe(f);
      for (const s of v.playbook.steps) expect(typeof s.title === 'object' && s.title.en).toBeTruthy();
      v.playbook.alarmTypes.forEach((t) => types.add(t));
    }
    for (const t of [
      'fire',
      'smoke',
      'intrusion',
      'water_leak',
      'elevator_entrapment',
      'gas',
      'fire_lane_parking',
    ])
      expect(types.has(t), t).toBe(true);
    expect([...types].every((t) => (ALARM_TYPES as readonly string[]).includes(t))).toBe(true);
  });

  it('refuses bad definitions with the path of each error', () => {
    const bad = (patch: (p: PlaybookInput) => void) => {
      const copy = structuredClone(FIRE_LIKE);
      patch(copy);
      const v = validatePlaybook(copy);
      expect(v.ok).toBe(false);
      return v.ok ? [] : v.errors;
    };
    expect(
      bad((p) => (p.steps[2] = { ...p.steps[2]!, kind: 'decision', yes: 'nowhere', no: 'end' } as never)),
    ).toContainEqual({
      path: 'steps[2].yes',
      message: 'no step "nowhere" in this playbook',
    });
    expect(bad((p) => (p.steps[3]!.next = 'look'))[0]).toMatchObject({ path: 'steps[3].next' });
    expect(bad((p) => (p.steps[1]!.id = 'look'))[0]).toMatchObject({ path: 'steps[1].id' });
    expect(bad((p) => (p.steps[1] = { id: 'w', kind: 'wait', title: T('w') } as never))[0]).toMatchObject({
      path: 'steps[1].timeoutSec',
    });
    expect(bad((p) => (p.steps[0] = { ...p.steps[0]!, kind: 'teleport' } as never))[0]).toMatchObject({
      path: 'steps[0].kind',
    });
    expect(bad((p) => (p.steps = []))[0]).toMatchObject({ path: 'steps' });
    expect(bad((p) => (p.alarmTypes = ['fire', 'meteor' as never]))[0]).toMatchObject({
      path: 'alarmTypes[1]',
    });
    expect(
      bad((p) => (p.steps[3] = { id: 'call-119', kind: 'call', title: T('c') } as never))[0],
    ).toMatchObject({
      path: 'steps[3]',
    });
  });
});

describe('step engine', () => {
  it('follows the yes branch and passes over the no branch', () => {
    const def = definition();
    const records = walk(def, [
      ['look', 'done', sec(20)],
      ['confirm', 'done', sec(100)],
      ['real', 'yes', sec(110)],
      ['call-119', 'done', sec(200)],
      ['report', 'done', sec(250)],
    ]);
    const state = runState(def, records, START, sec(300));
    expect(state.finished).toBe(true);
    expect(state.finishedAt).toBe(sec(250));
    expect(state.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'bypassed']);
  });

  it('follows the no branch: the real-fire steps are bypassed', () => {
    const def = definition();
    const records = walk(def, [
      ['look', 'done', sec(10)],
      ['confirm', 'done', sec(60)],
      ['real', 'no', sec(70)],
    ]);
    const state = runState(def, records, START, sec(80));
    expect(state.currentStepId).toBe('fault-log');
    expect(state.steps.map((s) => s.status)).toEqual([
      'done',
      'done',
      'done',
      'bypassed',
      'bypassed',
      'current',
    ]);
    walk(def, []); // the definition is not changed by walking it
    const done = [
      ...records,
      applyStep(def, records, START, { stepId: 'fault-log', outcome: 'done' }, sec(90), 'Li'),
    ];
    expect(runState(def, done, START, sec(95)).finished).toBe(true);
  });

  it('times a wait step from when it became current, in simulated time', () => {
    const def = definition();
    const records = walk(def, [['look', 'done', sec(50)]]);
    // The wait became current at 50 s: due at 230 s.
    expect(runState(def, records, START, sec(229)).steps[1]).toMatchObject({
      status: 'current',
      activatedAt: sec(50),
      dueAt: sec(230),
      overdue: false,
    });
    expect(runState(def, records, START, sec(231)).steps[1]!.overdue).toBe(true);
    // The first step's 30 s target was missed: recorded late.
    expect(runState(def, records, START, sec(60)).steps[0]).toMatchObject({ late: true, overdue: false });
    // A pending step past its target shows overdue before it is reached.
    expect(runState(def, records, START, sec(301)).steps[3]).toMatchObject({
      status: 'pending',
      overdue: true,
    });
  });

  it('needs a reason to skip, refuses skipping a decision and acting out of order', () => {
    const def = definition();
    expect(() => applyStep(def, [], START, { stepId: 'look', outcome: 'skipped' }, sec(1), 'Li')).toThrow(
      'A skipped step needs a reason.',
    );
    expect(() =>
      applyStep(def, [], START, { stepId: 'look', outcome: 'skipped', reason: ' ' }, sec(1), 'Li'),
    ).toThrow(PlaybookRuleError);
    const skipped = applyStep(
      def,
      [],
      START,
      { stepId: 'look', outcome: 'skipped', reason: 'camera offline' },
      sec(1),
      'Li',
    );
    expect(skipped).toMatchObject({
      outcome: 'skipped',
      reason: 'camera offline',
      operatorName: 'Li',
      at: sec(1),
    });
    expect(() => applyStep(def, [skipped], START, { stepId: 'real', outcome: 'yes' }, sec(2), 'Li')).toThrow(
      'Only the current step',
    );
    expect(() => applyStep(def, [skipped], START, { stepId: 'look', outcome: 'done' }, sec(2), 'Li')).toThrow(
      'already been recorded',
    );
    const records = walk(def, [
      ['look', 'done', sec(1)],
      ['confirm', 'done', sec(2)],
    ]);
    expect(() =>
      applyStep(def, records, START, { stepId: 'real', outcome: 'skipped', reason: 'unsure' }, sec(3), 'Li'),
    ).toThrow('cannot be skipped');
    expect(() => applyStep(def, records, START, { stepId: 'real', outcome: 'done' }, sec(3), 'Li')).toThrow(
      'yes or no',
    );
    expect(() => applyStep(def, [], START, { stepId: 'look', outcome: 'yes' }, sec(3), 'Li')).toThrow(
      'Only a decision',
    );
  });

  it('measures each step against its target for the after-action report', () => {
    const def = definition();
    const records = walk(def, [
      ['look', 'done', sec(20)],
      ['confirm', 'skipped', sec(40), 'guard already there'],
      ['real', 'yes', sec(60)],
      ['call-119', 'done', sec(320)],
    ]);
    const timings = stepTimings(def, runState(def, records, START, sec(330)), START);
    expect(timings[0]).toMatchObject({ elapsedMs: 20_000, targetMs: 30_000, late: false });
    expect(timings[1]).toMatchObject({ status: 'skipped' });
    expect(timings[3]).toMatchObject({ elapsedMs: 320_000, targetMs: 300_000, late: true });
    expect(timings[4]).toMatchObject({ status: 'current' });
  });

  it('fills call scripts and builds softphone URIs', () => {
    expect(fillScript('{site} {zone} {unknown}', { site: '翠湖花园', zone: '3号楼' })).toBe(
      '翠湖花园 3号楼 {unknown}',
    );
    expect(softphoneUri('tel:{number}', '0571-8701 0110')).toBe('tel:057187010110');
    expect(softphoneUri('sip:{number}@pbx.local', '+86 119')).toBe('sip:%2B86119@pbx.local');
  });
});
