import { z } from 'zod';
import { formatPath } from '../contract/common';
import { AlarmType } from './alarm';
import { CONTACT_KINDS } from './site';
import { LocalizedText } from './text';

/**
 * Emergency playbooks (应急预案): versioned checklists an operator walks through during an incident. This file
 * holds the definition schema and the pure step engine: given a definition, the recorded steps and `now`, it
 * says which step is current, which are done, skipped, bypassed by a branch, due or overdue. No clock, no I/O.
 */

export const STEP_KINDS = [
  'check',
  'call',
  'dispatch',
  'notify',
  'camera',
  'decision',
  'wait',
  'note',
] as const;
export const StepKind = z.enum(STEP_KINDS);
export type StepKind = z.infer<typeof StepKind>;

const StepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'a step id: lower-case letters, digits, - and _ (at most 48)');
/** Where a step leads: another step of the same playbook, or `end`. */
const StepRef = z.union([StepId, z.literal('end')]);
const Seconds = z
  .number()
  .int()
  .min(1)
  .max(24 * 3600);

const stepBase = {
  id: StepId,
  title: LocalizedText,
  detail: LocalizedText.optional(),
  /** Seconds from the start of the run by which this step should be done (drills measure against it). */
  targetSec: Seconds.optional(),
  /** The step after this one when it is not the next in the list. */
  next: StepRef.optional(),
};

export const PlaybookStep = z.discriminatedUnion('kind', [
  z.object({ ...stepBase, kind: z.literal('check') }).strict(),
  z
    .object({
      ...stepBase,
      kind: z.literal('call'),
      /** The contact to call: a directory entry by id, or the first of a kind (`fire` → 119). */
      contactId: z.string().min(1).max(64).optional(),
      contactKind: z.enum(CONTACT_KINDS).optional(),
      /** What to say; `{site}`, `{address}`, `{zone}`, `{alarm}`, `{time}`, `{operator}`, `{callback}` are filled in. */
      script: LocalizedText.optional(),
    })
    .strict(),
  z.object({ ...stepBase, kind: z.literal('dispatch') }).strict(),
  z
    .object({
      ...stepBase,
      kind: z.literal('notify'),
      contactId: z.string().min(1).max(64).optional(),
      contactKind: z.enum(CONTACT_KINDS).default('property_manager'),
      script: LocalizedText.optional(),
    })
    .strict(),
  z.object({ ...stepBase, kind: z.literal('camera') }).strict(),
  z
    .object({
      ...stepBase,
      kind: z.literal('decision'),
      yes: StepRef,
      no: StepRef,
    })
    .strict(),
  z
    .object({
      ...stepBase,
      kind: z.literal('wait'),
      /** "Confirm within 3 minutes": due this long after the step becomes current. */
      timeoutSec: Seconds,
    })
    .strict(),
  z.object({ ...stepBase, kind: z.literal('note') }).strict(),
]);
export type PlaybookStep = z.infer<typeof PlaybookStep>;

export const PlaybookDefinition = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'a playbook id: lower-case letters, digits, - and _'),
    /** The shipped file's own revision: a newer one replaces the stored definition at start. */
    revision: z.number().int().min(1).default(1),
    title: LocalizedText,
    description: LocalizedText.optional(),
    /** Alarm types for which this playbook is suggested. */
    alarmTypes: z.array(AlarmType).max(20).default([]),
    steps: z.array(PlaybookStep).min(1, 'a playbook needs at least one step').max(60),
  })
  .strict()
  .superRefine((pb, ctx) => {
    const index = new Map<string, number>();
    pb.steps.forEach((s, i) => {
      if (index.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"` });
      else index.set(s.id, i);
    });
    // Every reference points to a later step: a run can never loop and always reaches its end.
    pb.steps.forEach((s, i) => {
      const refs: [string, string | undefined][] = [['next', s.next]];
      if (s.kind === 'decision') refs.push(['yes', s.yes], ['no', s.no]);
      for (const [key, ref] of refs) {
        if (ref === undefined || ref === 'end') continue;
        const target = index.get(ref);
        if (target === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, key],
            message: `no step "${ref}" in this playbook`,
          });
        else if (target <= i)
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, key],
            message: `"${ref}" comes before this step; a branch may only lead forward`,
          });
      }
      if ((s.kind === 'call' || s.kind === 'notify') && !s.contactId && !s.contactKind)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i],
          message: 'a call step names a contactId or contactKind',
        });
    });
    if (new Set(pb.alarmTypes).size !== pb.alarmTypes.length)
      ctx.addIssue({ code: 'custom', path: ['alarmTypes'], message: 'an alarm type is listed twice' });
  });
export type PlaybookDefinition = z.infer<typeof PlaybookDefinition>;
export type PlaybookInput = z.input<typeof PlaybookDefinition>;

export type PlaybookValidation =
  { ok: true; playbook: PlaybookDefinition } | { ok: false; errors: { path: string; message: string }[] };

/** Validates a definition from a file or the editor; every error names the path of the bad field. */
export function validatePlaybook(raw: unknown): PlaybookValidation {
  const parsed = PlaybookDefinition.safeParse(raw);
  if (parsed.success) return { ok: true, playbook: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The step engine

export const StepOutcome = z.enum(['done', 'skipped', 'yes', 'no']);
export type StepOutcome = z.infer<typeof StepOutcome>;

/** What the operator did on a step, as stored. */
export interface StepRecord {
  stepId: string;
  outcome: StepOutcome;
  at: number;
  operatorName: string;
  note?: string | undefined;
  reason?: string | undefined;
}

export type StepStatus = 'done' | 'skipped' | 'current' | 'pending' | 'bypassed';

export interface StepState {
  id: string;
  status: StepStatus;
  /** When the step became current (the previous step's completion, or the run's start). */
  activatedAt?: number | undefined;
  /** The earliest of its target (from the run's start) and its wait timeout (from activation). */
  dueAt?: number | undefined;
  /** Current past its due time. */
  overdue: boolean;
  /** Done or skipped after its due time. */
  late: boolean;
  record?: StepRecord | undefined;
}

export interface RunState {
  steps: StepState[];
  currentStepId: string | null;
  finished: boolean;
  finishedAt?: number | undefined;
}

export class PlaybookRuleError extends Error {
  override name = 'PlaybookRuleError';
}

function dueAt(step: PlaybookStep, startedAt: number, activatedAt: number | undefined): number | undefined {
  const times: number[] = [];
  if (step.targetSec !== undefined) times.push(startedAt + step.targetSec * 1000);
  if (step.kind === 'wait' && activatedAt !== undefined) times.push(activatedAt + step.timeoutSec * 1000);
  return times.length ? Math.min(...times) : undefined;
}

function following(def: PlaybookDefinition, index: number, record: StepRecord): string {
  const step = def.steps[index]!;
  if (step.kind === 'decision') return record.outcome === 'yes' ? step.yes : step.no;
  return step.next ?? def.steps[index + 1]?.id ?? 'end';
}

/** Walks the definition from its first step along the recorded outcomes. */
export function runState(
  def: PlaybookDefinition,
  records: readonly StepRecord[],
  startedAt: number,
  now: number,
): RunState {
  const byStep = new Map(records.map((r) => [r.stepId, r]));
  const states = new Map<string, StepState>();
  let position: string = def.steps[0]!.id;
  let activatedAt = startedAt;
  let currentStepId: string | null = null;
  let finishedAt: number | undefined;
  for (;;) {
    if (position === 'end') {
      finishedAt = activatedAt;
      break;
    }
    const index = def.steps.findIndex((s) => s.id === position);
    const step = def.steps[index]!;
    const record = byStep.get(step.id);
    const due = dueAt(step, startedAt, activatedAt);
    if (!record) {
      currentStepId = step.id;
      states.set(step.id, {
        id: step.id,
        status: 'current',
        activatedAt,
        dueAt: due,
        overdue: due !== undefined && now > due,
        late: false,
      });
      break;
    }
    states.set(step.id, {
      id: step.id,
      status: record.outcome === 'skipped' ? 'skipped' : 'done',
      activatedAt,
      dueAt: due,
      overdue: false,
      late: due !== undefined && record.at > due,
      record,
    });
    position = following(def, index, record);
    activatedAt = record.at;
  }
  const currentIndex = currentStepId ? def.steps.findIndex((s) => s.id === currentStepId) : def.steps.length;
  const steps = def.steps.map((s, i): StepState => {
    const known = states.get(s.id);
    if (known) return known;
    const due = dueAt(s, startedAt, undefined);
    // Steps before the current one that the path did not visit were passed over by a branch.
    return {
      id: s.id,
      status: i < currentIndex ? 'bypassed' : 'pending',
      dueAt: due,
      overdue: i >= currentIndex && due !== undefined && now > due,
      late: false,
    };
  });
  return { steps, currentStepId, finished: currentStepId === null, finishedAt };
}

export interface StepAction {
  stepId: string;
  outcome: StepOutcome;
  note?: string | undefined;
  reason?: string | undefined;
}

/**
 * Checks an operator's action against the run and returns the record to store. Only the current step can be
 * acted on; a skip needs a reason; a decision is answered yes or no and cannot be skipped.
 */
export function applyStep(
  def: PlaybookDefinition,
  records: readonly StepRecord[],
  startedAt: number,
  action: StepAction,
  now: number,
  operatorName: string,
): StepRecord {
  const state = runState(def, records, startedAt, now);
  if (state.finished) throw new PlaybookRuleError('This playbook is already complete.');
  const step = def.steps.find((s) => s.id === action.stepId);
  if (!step) throw new PlaybookRuleError(`There is no step "${action.stepId}" in this playbook.`);
  if (state.currentStepId !== step.id) {
    const status = state.steps.find((s) => s.id === step.id)?.status;
    throw new PlaybookRuleError(
      status === 'done' || status === 'skipped'
        ? 'This step has already been recorded.'
        : 'Only the current step can be recorded; work the checklist in order.',
    );
  }
  const reason = action.reason?.trim();
  if (step.kind === 'decision') {
    if (action.outcome !== 'yes' && action.outcome !== 'no')
      throw new PlaybookRuleError('A decision is answered yes or no; it cannot be skipped.');
  } else if (action.outcome === 'yes' || action.outcome === 'no') {
    throw new PlaybookRuleError('Only a decision step is answered yes or no.');
  }
  if (action.outcome === 'skipped' && (!reason || reason.length < 2))
    throw new PlaybookRuleError('A skipped step needs a reason.');
  return {
    stepId: step.id,
    outcome: action.outcome,
    at: now,
    operatorName,
    note: action.note?.trim() || undefined,
    reason: action.outcome === 'skipped' ? reason : undefined,
  };
}

export interface StepTiming {
  stepId: string;
  status: StepStatus;
  /** ms from the run's start to the step's record. */
  elapsedMs?: number | undefined;
  targetMs?: number | undefined;
  late: boolean;
}

/** Per step: how long after the start it was recorded, against its target (the drill's after-action table). */
export function stepTimings(def: PlaybookDefinition, state: RunState, startedAt: number): StepTiming[] {
  return state.steps.map((s, i) => {
    const step = def.steps[i]!;
    return {
      stepId: s.id,
      status: s.status,
      elapsedMs: s.record ? s.record.at - startedAt : undefined,
      targetMs: step.targetSec !== undefined ? step.targetSec * 1000 : undefined,
      late: s.late || s.overdue,
    };
  });
}

/** Fills `{site}`-style placeholders of a call script; unknown names are left as they are. */
export function fillScript(script: string, values: Record<string, string | undefined>): string {
  return script.replace(/\{([a-z]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The softphone hand-over: `tel:{number}` or `sip:{number}@pbx` with the number's digits and +. */
export function softphoneUri(template: string, number: string): string {
  const digits = number.replace(/[^0-9+]/g, '');
  return template.replace('{number}', encodeURIComponent(digits));
}
