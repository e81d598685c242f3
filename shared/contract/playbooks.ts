import { z } from 'zod';
import { DoneReply, EpochMs, Id, method, NoInput } from './common';
import { ContactDef } from '../domain/site';
import { PlaybookDefinition, StepOutcome } from '../domain/playbook';
import { Locale } from '../domain/text';
import { DrillRecurrence } from '../domain/drill-schedule';

/**
 * Playbooks, their runs on incidents, the contact directory and calls, incident reports and drills (issue 7).
 * Spread into `methods` and `events`.
 */

const Text = (min: number, max: number, message?: string) => z.string().trim().min(min, message).max(max);

export const PlaybookSummary = z.object({
  id: z.string(),
  versionId: z.string(),
  version: z.number().int(),
  title: PlaybookDefinition.shape.title,
  alarmTypes: z.array(z.string()),
  steps: z.number().int(),
  source: z.enum(['file', 'console']),
  createdAt: EpochMs,
  createdBy: z.string(),
});
export type PlaybookSummary = z.infer<typeof PlaybookSummary>;

export const PlaybookRecord = PlaybookSummary.extend({ definition: PlaybookDefinition });
export type PlaybookRecord = z.infer<typeof PlaybookRecord>;

export const StepRecordView = z.object({
  stepId: z.string(),
  outcome: StepOutcome,
  at: EpochMs,
  operatorName: z.string(),
  note: z.string().optional(),
  reason: z.string().optional(),
  guardId: z.string().optional(),
  contactId: z.string().optional(),
});
export type StepRecordView = z.infer<typeof StepRecordView>;

export const CALL_OUTCOMES = ['connected', 'no_answer', 'busy', 'failed'] as const;
export const CallOutcome = z.enum(CALL_OUTCOMES);

export const CallView = z.object({
  id: z.string(),
  runId: z.string().optional(),
  incidentId: z.string().optional(),
  contactId: z.string(),
  name: z.string(),
  number: z.string(),
  startedAt: EpochMs,
  endedAt: EpochMs,
  outcome: CallOutcome,
  note: z.string().optional(),
  operatorName: z.string(),
  /** A drill's call: logged, never handed to a phone. */
  simulated: z.boolean(),
});
export type CallView = z.infer<typeof CallView>;

export const SnapshotView = z.object({ cameraId: z.string(), at: EpochMs, operatorName: z.string() });

export const RunView = z.object({
  id: z.string(),
  incidentId: z.string(),
  alarmId: z.string(),
  playbookId: z.string(),
  /** The definition version this run follows, whatever was edited since. */
  versionId: z.string(),
  version: z.number().int(),
  definition: PlaybookDefinition,
  startedAt: EpochMs,
  startedBy: z.string(),
  drill: z.boolean(),
  drillId: z.string().optional(),
  finishedAt: EpochMs.optional(),
  records: z.array(StepRecordView),
  calls: z.array(CallView),
  snapshots: z.array(SnapshotView),
});
export type RunView = z.infer<typeof RunView>;

export const ContactView = ContactDef.extend({ origin: z.enum(['site', 'console']) });
export type ContactView = z.infer<typeof ContactView>;

export const PhoneSettings = z
  .object({
    /** `tel:{number}` hands the number to the system's phone app; `sip:{number}@pbx.local` to a SIP softphone. */
    uriTemplate: z
      .string()
      .trim()
      .max(200)
      .regex(/^(tel|sip|sips|callto):.*\{number\}/, 'a tel:, sip: or callto: URI containing {number}'),
    /** The control room's own number, read out in call scripts. */
    callbackNumber: z.string().trim().max(32).default(''),
    /** Off: the call card shows the number only (no softphone on this desk). */
    enabled: z.boolean().default(true),
  })
  .strict();
export type PhoneSettings = z.infer<typeof PhoneSettings>;

export const CorrectiveAction = z
  .object({
    action: Text(2, 500, 'describe the corrective action'),
    owner: Text(1, 100, 'name the owner'),
    due: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD'),
  })
  .strict();
export type CorrectiveAction = z.infer<typeof CorrectiveAction>;

export const DRILL_STATES = ['scheduled', 'running', 'finished', 'cancelled'] as const;
export const DrillView = z.object({
  id: z.string(),
  playbookId: z.string(),
  title: z.string(),
  scheduledAt: EpochMs,
  zone: z.string().optional(),
  participants: z.array(z.string()),
  objectives: z.string(),
  state: z.enum(DRILL_STATES),
  createdBy: z.string(),
  incidentId: z.string().optional(),
  alarmId: z.string().optional(),
  runId: z.string().optional(),
  startedAt: EpochMs.optional(),
  finishedAt: EpochMs.optional(),
  /** Participant → present at the roll-call. */
  rollCall: z.record(z.string(), z.boolean()),
  observations: z.string(),
  correctiveActions: z.array(CorrectiveAction),
});
export type DrillView = z.infer<typeof DrillView>;

/** A recurring drill (定期开展应急演练): each due time becomes a scheduled drill a week ahead. */
export const DrillRuleInput = z
  .object({
    /** Absent: a new rule. */
    id: Id.optional(),
    playbookId: Id,
    title: Text(2, 200, 'give the drill a title'),
    zone: Id.optional(),
    participants: z.array(Text(1, 100)).max(50).default([]),
    objectives: Text(0, 2000).default(''),
    recurrence: DrillRecurrence,
  })
  .strict();
export type DrillRuleInput = z.input<typeof DrillRuleInput>;

export const DrillRuleView = z.object({
  id: Id,
  playbookId: z.string(),
  title: z.string(),
  zone: z.string().optional(),
  participants: z.array(z.string()),
  objectives: z.string(),
  recurrence: DrillRecurrence,
  /** The next due time in the site's calendar, after the last drill it generated. */
  nextDueAt: EpochMs,
  createdBy: z.string(),
});
export type DrillRuleView = z.infer<typeof DrillRuleView>;

const ReportFile = z.object({
  /** Where the copy was kept, under `<data-dir>/reports`. */
  file: z.string(),
  name: z.string(),
  /** The PDF, base64, for the renderer to offer as a download/save. */
  pdf: z.string(),
  bytes: z.number().int(),
});

const PngBase64 = z
  .string()
  .max(12_000_000)
  .regex(/^[A-Za-z0-9+/]+=*$/, 'base64 PNG data');

export const playbookMethods = {
  'playbooks.list': method({
    input: NoInput,
    output: z.object({ playbooks: z.array(PlaybookSummary) }),
    role: 'operator',
    mutates: false,
    summary: 'The newest version of every playbook.',
  }),
  'playbooks.get': method({
    input: z.object({ id: Id, version: z.number().int().min(1).optional() }).strict(),
    output: PlaybookRecord.extend({ versions: z.array(PlaybookSummary) }),
    role: 'operator',
    mutates: false,
    summary: 'One playbook (its newest version unless one is named) with its version history.',
  }),
  'playbooks.save': method({
    input: z.object({ definition: PlaybookDefinition }).strict(),
    output: PlaybookRecord,
    role: 'supervisor',
    mutates: true,
    summary: 'Store an edited or new playbook as a new version; runs already started keep theirs.',
  }),
  'runs.forAlarm': method({
    input: z.object({ alarmId: z.string().min(1).max(64) }).strict(),
    output: z.object({ suggested: z.array(PlaybookSummary), runs: z.array(RunView) }),
    role: 'operator',
    mutates: false,
    summary: "The playbooks suggested for an alarm's type and the runs already on its incident.",
  }),
  'runs.get': method({
    input: z.object({ runId: Id }).strict(),
    output: RunView,
    role: 'operator',
    mutates: false,
    summary: 'One playbook run with its steps, calls and snapshots.',
  }),
  'runs.start': method({
    input: z.object({ alarmId: z.string().min(1).max(64), playbookId: Id }).strict(),
    output: RunView,
    role: 'operator',
    mutates: true,
    summary: "Start a playbook on an alarm's incident: its checklist, at its current version.",
  }),
  'runs.step': method({
    input: z
      .object({
        runId: Id,
        stepId: z.string().min(1).max(48),
        outcome: StepOutcome,
        note: z.string().trim().max(2000).optional(),
        reason: z.string().trim().max(500).optional(),
        /** A dispatch step: the guard sent. */
        guardId: Id.optional(),
      })
      .strict(),
    output: RunView,
    role: 'operator',
    mutates: true,
    summary: 'Record the current step: done, skipped (with a reason), or a decision answered yes/no.',
  }),
  'runs.snapshot': method({
    input: z.object({ runId: Id, cameraId: Id, png: PngBase64 }).strict(),
    output: RunView,
    role: 'operator',
    mutates: true,
    summary: "Save a camera's current picture and attach it to the run's incident (it goes into the report).",
  }),
  'contacts.list': method({
    input: NoInput,
    output: z.object({ contacts: z.array(ContactView), phone: PhoneSettings }),
    role: 'operator',
    mutates: false,
    summary: 'The contact directory (site file with console edits on top) and the softphone settings.',
  }),
  'contacts.save': method({
    input: ContactDef,
    output: ContactView,
    role: 'supervisor',
    mutates: true,
    summary: 'Add or change a contact (stored over the site file, audited).',
  }),
  'contacts.remove': method({
    input: z.object({ id: Id }).strict(),
    output: DoneReply,
    role: 'supervisor',
    mutates: true,
    summary: 'Remove a contact from the directory.',
  }),
  'contacts.setPhone': method({
    input: PhoneSettings,
    output: PhoneSettings,
    role: 'supervisor',
    mutates: true,
    summary: 'How the call card hands a number to a softphone (URI template) and the callback number.',
  }),
  'calls.record': method({
    input: z
      .object({
        contactId: Id,
        runId: Id.optional(),
        alarmId: z.string().min(1).max(64).optional(),
        startedAt: EpochMs,
        endedAt: EpochMs,
        outcome: CallOutcome,
        note: z.string().trim().max(2000).optional(),
      })
      .strict()
      .refine((c) => c.endedAt >= c.startedAt, {
        message: 'the call ends before it starts',
        path: ['endedAt'],
      }),
    output: CallView,
    role: 'operator',
    mutates: true,
    summary: 'Log a call made from the call card: who, when, how long, the outcome (simulated in a drill).',
  }),
  'reports.incident': method({
    input: z.object({ incidentId: Id, locale: Locale }).strict(),
    output: ReportFile,
    role: 'operator',
    mutates: true,
    summary: 'The incident report as PDF: timeline of alarms, steps, calls, dispatches, notes and snapshots.',
  }),
  'drills.list': method({
    input: NoInput,
    output: z.object({ drills: z.array(DrillView) }),
    role: 'operator',
    mutates: false,
    summary: 'Drills scheduled, running and done, newest first.',
  }),
  'drills.schedule': method({
    input: z
      .object({
        playbookId: Id,
        title: Text(2, 200, 'give the drill a title'),
        scheduledAt: EpochMs,
        zone: Id.optional(),
        participants: z.array(Text(1, 100)).max(50).default([]),
        objectives: Text(0, 2000).default(''),
      })
      .strict(),
    output: DrillView,
    role: 'supervisor',
    mutates: true,
    summary: 'Schedule a drill: which playbook, when, where, who takes part, its objectives.',
  }),
  'drills.rules': method({
    input: NoInput,
    output: z.object({ rules: z.array(DrillRuleView) }),
    role: 'operator',
    mutates: false,
    summary: 'The recurring drill rules (monthly, quarterly) and when each is next due.',
  }),
  'drills.saveRule': method({
    input: DrillRuleInput,
    output: z.object({ rules: z.array(DrillRuleView) }),
    role: 'supervisor',
    mutates: true,
    summary:
      'Add or change a recurring drill: which playbook, monthly or quarterly on which day and time; its drills are scheduled a week ahead.',
  }),
  'drills.removeRule': method({
    input: z.object({ id: Id }).strict(),
    output: z.object({ rules: z.array(DrillRuleView) }),
    role: 'supervisor',
    mutates: true,
    summary: 'Stop a recurring drill (drills it already scheduled stay, to be run or cancelled).',
  }),
  'drills.cancel': method({
    input: z.object({ drillId: Id, reason: Text(2, 500, 'give the reason') }).strict(),
    output: DrillView,
    role: 'supervisor',
    mutates: true,
    summary: 'Cancel a scheduled drill.',
  }),
  'drills.start': method({
    input: z.object({ drillId: Id }).strict(),
    output: DrillView,
    role: 'operator',
    mutates: true,
    summary: 'Run a drill: a DRILL alarm and incident with its playbook started; calls are simulated.',
  }),
  'drills.rollCall': method({
    input: z.object({ drillId: Id, participant: Text(1, 100), present: z.boolean() }).strict(),
    output: DrillView,
    role: 'operator',
    mutates: true,
    summary: 'Mark a participant present or absent at the roll-call (a new name is added).',
  }),
  'drills.finish': method({
    input: z
      .object({
        drillId: Id,
        observations: Text(0, 5000).default(''),
        correctiveActions: z.array(CorrectiveAction).max(30).default([]),
      })
      .strict(),
    output: DrillView,
    role: 'operator',
    mutates: true,
    summary: 'End a drill with observations and corrective actions (owner, due date); closes its alarm.',
  }),
  'reports.drill': method({
    input: z.object({ drillId: Id, locale: Locale }).strict(),
    output: ReportFile,
    role: 'operator',
    mutates: true,
    summary: 'The after-action report as PDF: each step against its target, skips, observations, actions.',
  }),
};

export const playbookEvents = {
  /** A run changed (a step, a call, a snapshot): renderers showing it reload. */
  'runs.changed': z.object({ run: RunView }),
  'drills.changed': z.object({ drills: z.array(DrillView) }),
  'contacts.changed': z.object({ contacts: z.array(ContactView), phone: PhoneSettings }),
};
