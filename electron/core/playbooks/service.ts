import { join } from 'node:path';
import type { Knex } from 'knex';
import type { CallView, NoticeParams, RunView, StepRecordView } from '../../../shared/contract';
import { applyStep, PlaybookRuleError, runState, type StepOutcome } from '../../../shared/domain/playbook';
import type { SiteFile } from '../../../shared/domain/site';
import { pickText } from '../../../shared/domain/text';
import type { Actor } from '../actor';
import type { AlarmService } from '../alarms';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import { saveSnapshot } from '../streams/snapshot';
import type { Clock } from '../../common/clock';
import type { IdGenerator } from '../util/ids';
import type { Logger } from '../../common/log';
import { opt } from '../util/optional';
import type { ContactDirectory } from './contacts';
import type { PlaybookLibrary } from './library';

interface RunRow {
  id: string;
  incident_id: string;
  alarm_id: string;
  version_id: string;
  started_at: number;
  started_by: string;
  drill: number;
  finished_at: number | null;
}
interface StepRow {
  run_id: string;
  step_id: string;
  outcome: StepOutcome;
  at: number;
  operator_id: string;
  operator_name: string;
  note: string | null;
  reason: string | null;
  guard_id: string | null;
}
interface CallRow {
  id: string;
  run_id: string | null;
  incident_id: string | null;
  contact_id: string;
  name: string;
  number: string;
  started_at: number;
  ended_at: number;
  outcome: CallView['outcome'];
  note: string | null;
  operator_id: string;
  operator_name: string;
  simulated: number;
}
export interface PlaybookServiceOptions {
  db: Knex;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
  dataDir: string;
  /** While it is full, new snapshots are refused. */
  disk?: { readonly full: boolean };
  site: SiteFile;
  library: PlaybookLibrary;
  contacts: ContactDirectory;
  alarms: AlarmService;
  onRunChanged(run: RunView): void;
  /** A skipped step is flagged to the supervisor. */
  /** A skipped step for the supervisor: English for the log, params for the page's words (playbook-skip). */
  onFlag(message: string, params: NoticeParams): void;
  dispatchGuard?:
    ((alarmId: string, guardId: string, note: string | undefined, actor: Actor) => Promise<void>) | undefined;
}

export function callView(r: CallRow): CallView {
  return {
    id: r.id,
    runId: opt(r.run_id),
    incidentId: opt(r.incident_id),
    contactId: r.contact_id,
    name: r.name,
    number: r.number,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    outcome: r.outcome,
    note: opt(r.note),
    operatorName: r.operator_name,
    simulated: r.simulated === 1,
  };
}

/**
 * Playbook runs on incidents, the calls made from call cards and snapshots attached to incidents (drills are
 * drills.ts). Every change is one transaction with its audit entry and duty-log line.
 */
export class PlaybookService {
  constructor(private readonly o: PlaybookServiceOptions) {}

  private guardName(id: string): string {
    const g = this.o.site.guards.find((x) => x.id === id);
    return g ? pickText(g.name, 'zh-CN') : id;
  }

  async runView(runId: string, db: Knex | Knex.Transaction = this.o.db): Promise<RunView> {
    const run = (await db('playbook_runs').where({ id: runId }).first()) as RunRow | undefined;
    if (!run) throw new ServiceError('not_found', `There is no playbook run "${runId}".`);
    const pb = await this.o.library.byVersionId(run.version_id, db);
    const steps = (await db('playbook_steps').where({ run_id: runId }).orderBy('id')) as StepRow[];
    const calls = (await db('calls').where({ run_id: runId }).orderBy('started_at')) as CallRow[];
    const snaps = (await db('incident_snapshots').where({ incident_id: run.incident_id }).orderBy('at')) as {
      camera_id: string;
      at: number;
      operator_name: string;
    }[];
    const drill = (await db('drills').where({ run_id: runId }).first('id')) as { id: string } | undefined;
    return {
      id: run.id,
      incidentId: run.incident_id,
      alarmId: run.alarm_id,
      playbookId: pb.id,
      versionId: pb.versionId,
      version: pb.version,
      definition: pb.definition,
      startedAt: run.started_at,
      startedBy: run.started_by,
      drill: run.drill === 1,
      drillId: drill?.id,
      finishedAt: opt(run.finished_at),
      records: steps.map((s): StepRecordView => ({
        stepId: s.step_id,
        outcome: s.outcome,
        at: s.at,
        operatorName: s.operator_name,
        note: opt(s.note),
        reason: opt(s.reason),
        guardId: opt(s.guard_id),
      })),
      calls: calls.map(callView),
      snapshots: snaps.map((s) => ({ cameraId: s.camera_id, at: s.at, operatorName: s.operator_name })),
    };
  }

  async forAlarm(alarmId: string) {
    const alarm = (await this.o.db('alarms').where({ id: alarmId }).first('type', 'incident_id')) as
      { type: string; incident_id: string | null } | undefined;
    if (!alarm) throw new ServiceError('not_found', `There is no alarm "${alarmId}".`);
    const runIds = alarm.incident_id
      ? ((await this.o
          .db('playbook_runs')
          .where({ incident_id: alarm.incident_id })
          .orderBy('started_at')
          .pluck('id')) as string[])
      : [];
    const runs: RunView[] = [];
    for (const id of runIds) runs.push(await this.runView(id));
    return { suggested: await this.o.library.suggestFor(alarm.type), runs };
  }

  /** Starts a playbook on the alarm's incident (inside `trx` when a drill starts it). */
  async start(alarmId: string, playbookId: string, actor: Actor, trx?: Knex.Transaction): Promise<RunView> {
    const work = async (t: Knex.Transaction) => {
      const now = this.o.clock.now();
      const alarm = (await t('alarms').where({ id: alarmId }).first('id', 'incident_id', 'drill')) as
        { id: string; incident_id: string | null; drill: number } | undefined;
      if (!alarm?.incident_id) throw new ServiceError('not_found', `There is no alarm "${alarmId}".`);
      const incident = (await t('incidents').where({ id: alarm.incident_id }).first('drill')) as {
        drill: number;
      };
      const pb = await this.o.library.get(playbookId, undefined, t);
      const running = (await t('playbook_runs as r')
        .join('playbook_versions as v', 'v.id', 'r.version_id')
        .where({ 'r.incident_id': alarm.incident_id, 'v.playbook_id': playbookId })
        .whereNull('r.finished_at')
        .first('r.id')) as { id: string } | undefined;
      if (running) throw new ServiceError('conflict', 'This playbook is already running on this incident.');
      const id = this.o.ids();
      const drill = alarm.drill === 1 || incident.drill === 1;
      await t('playbook_runs').insert({
        id,
        incident_id: alarm.incident_id,
        alarm_id: alarmId,
        version_id: pb.versionId,
        started_at: now,
        started_by: actor.name,
        drill: drill ? 1 : 0,
        finished_at: null,
      });
      await appendAudit(t, {
        at: now,
        ...auditActor(actor),
        action: 'playbook.start',
        target: id,
        details: { playbook: playbookId, version: pb.version, alarm: alarmId, drill },
      });
      await writeDutyLog(t, {
        at: now,
        kind: 'playbook',
        text: `${drill ? '[DRILL] ' : ''}${pickText(pb.title, 'zh-CN')} v${pb.version} started`,
        alarmId,
        operatorId: actor.id,
      });
      return this.runView(id, t);
    };
    const view = trx ? await work(trx) : await this.o.db.transaction(work);
    if (!trx) this.o.onRunChanged(view);
    return view;
  }

  async step(
    input: {
      runId: string;
      stepId: string;
      outcome: StepOutcome;
      note?: string | undefined;
      reason?: string | undefined;
      guardId?: string | undefined;
    },
    actor: Actor,
  ): Promise<RunView> {
    if (input.guardId && !this.o.site.guards.some((g) => g.id === input.guardId))
      throw new ServiceError('invalid_input', `There is no guard "${input.guardId}".`);
    let dispatchedAlarm: string | undefined;
    if (input.guardId && input.outcome === 'done' && this.o.dispatchGuard) {
      // The guard is sent first (a refusal — he is in SOS, the alarm is closed — leaves the step open), after
      // checking that this is the run's current dispatch step.
      const before = await this.runView(input.runId);
      const step = before.definition.steps.find((s) => s.id === input.stepId);
      try {
        applyStep(before.definition, before.records, before.startedAt, input, this.o.clock.now(), actor.name);
      } catch (err) {
        if (err instanceof PlaybookRuleError) throw new ServiceError('conflict', err.message);
        throw err;
      }
      if (step?.kind === 'dispatch')
        await this.o.dispatchGuard(before.alarmId, input.guardId, pickText(step.title, 'zh-CN'), actor);
    }
    const view = await this.o.db.transaction(async (trx) => {
      const now = this.o.clock.now();
      const before = await this.runView(input.runId, trx);
      let record;
      try {
        record = applyStep(before.definition, before.records, before.startedAt, input, now, actor.name);
      } catch (err) {
        if (err instanceof PlaybookRuleError) throw new ServiceError('conflict', err.message);
        throw err;
      }
      const step = before.definition.steps.find((s) => s.id === input.stepId)!;
      await trx('playbook_steps').insert({
        run_id: input.runId,
        step_id: record.stepId,
        outcome: record.outcome,
        at: now,
        operator_id: actor.id,
        operator_name: actor.name,
        note: record.note ?? null,
        reason: record.reason ?? null,
        guard_id: step.kind === 'dispatch' ? (input.guardId ?? null) : null,
      });
      const after = runState(before.definition, [...before.records, record], before.startedAt, now);
      if (after.finished) await trx('playbook_runs').where({ id: input.runId }).update({ finished_at: now });
      const title = pickText(step.title, 'zh-CN');
      const guard = input.guardId ? ` → ${this.guardName(input.guardId)}` : '';
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: record.outcome === 'skipped' ? 'playbook.skip' : 'playbook.step',
        target: input.runId,
        details: {
          step: record.stepId,
          outcome: record.outcome,
          reason: record.reason,
          guard: input.guardId,
        },
      });
      await writeDutyLog(trx, {
        at: now,
        kind: record.outcome === 'skipped' ? 'playbook_skip' : 'playbook_step',
        text:
          `${before.drill ? '[DRILL] ' : ''}${title}: ${record.outcome}${guard}` +
          (record.reason ? ` (${record.reason})` : '') +
          (record.note ? ` — ${record.note}` : ''),
        alarmId: before.alarmId,
        operatorId: actor.id,
      });
      if (step.kind === 'dispatch' && record.outcome === 'done' && !(input.guardId && this.o.dispatchGuard))
        dispatchedAlarm = before.alarmId;
      if (record.outcome === 'skipped')
        this.o.onFlag(
          `${before.drill ? '[DRILL] ' : ''}step skipped — ${actor.name}: "${title}" ${record.reason ?? ''}`,
          { who: actor.name, step: title, reason: record.reason ?? '', drill: before.drill ? 1 : 0 },
        );
      return this.runView(input.runId, trx);
    });
    if (dispatchedAlarm) {
      // The alarm follows the checklist: a guard sent means the alarm is dispatched (when it is not further on).
      const guard = input.guardId ? this.guardName(input.guardId) : undefined;
      await this.o.alarms
        .move(dispatchedAlarm, 'dispatched', actor, guard ? `guard: ${guard}` : undefined)
        .catch((err: Error) => this.o.log.info('alarm not moved to dispatched', { reason: err.message }));
    }
    this.o.onRunChanged(view);
    return view;
  }

  async snapshot(runId: string, cameraId: string, png: string, actor: Actor): Promise<RunView> {
    const run = await this.runView(runId);
    const now = this.o.clock.now();
    const saved = saveSnapshot(
      join(this.o.dataDir, 'snapshots'),
      cameraId,
      'incident',
      png,
      now,
      this.o.disk,
    );
    await this.o.db.transaction(async (trx) => {
      await trx('incident_snapshots').insert({
        incident_id: run.incidentId,
        camera_id: cameraId,
        file: saved.file,
        at: now,
        operator_name: actor.name,
      });
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'incident.snapshot',
        target: run.incidentId,
        details: { camera: cameraId, file: saved.file },
      });
    });
    const view = await this.runView(runId);
    this.o.onRunChanged(view);
    return view;
  }

  async recordCall(
    input: {
      contactId: string;
      runId?: string | undefined;
      alarmId?: string | undefined;
      startedAt: number;
      endedAt: number;
      outcome: CallView['outcome'];
      note?: string | undefined;
    },
    actor: Actor,
  ): Promise<CallView> {
    const contact = this.o.contacts.find(input.contactId);
    if (!contact) throw new ServiceError('not_found', `There is no contact "${input.contactId}".`);
    const view = await this.o.db.transaction(async (trx) => {
      const now = this.o.clock.now();
      let incidentId: string | undefined;
      let alarmId = input.alarmId;
      let simulated = false;
      if (input.runId) {
        const run = (await trx('playbook_runs').where({ id: input.runId }).first()) as RunRow | undefined;
        if (!run) throw new ServiceError('not_found', `There is no playbook run "${input.runId}".`);
        incidentId = run.incident_id;
        alarmId = run.alarm_id;
        simulated = run.drill === 1;
      } else if (input.alarmId) {
        const alarm = (await trx('alarms as a')
          .leftJoin('incidents as i', 'i.id', 'a.incident_id')
          .where('a.id', input.alarmId)
          .first('a.incident_id', 'a.drill', 'i.drill as idrill')) as
          { incident_id: string | null; drill: number; idrill: number | null } | undefined;
        if (!alarm) throw new ServiceError('not_found', `There is no alarm "${input.alarmId}".`);
        incidentId = alarm.incident_id ?? undefined;
        simulated = alarm.drill === 1 || alarm.idrill === 1;
      }
      const row: CallRow = {
        id: this.o.ids(),
        run_id: input.runId ?? null,
        incident_id: incidentId ?? null,
        contact_id: contact.id,
        name: pickText(contact.name, 'zh-CN'),
        number: contact.number,
        started_at: input.startedAt,
        ended_at: input.endedAt,
        outcome: input.outcome,
        note: input.note ?? null,
        operator_id: actor.id,
        operator_name: actor.name,
        simulated: simulated ? 1 : 0,
      };
      await trx('calls').insert(row);
      const seconds = Math.round((input.endedAt - input.startedAt) / 1000);
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'call.record',
        target: row.id,
        details: { contact: contact.id, number: contact.number, outcome: input.outcome, seconds, simulated },
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'call',
        text: `${simulated ? '[DRILL, SIMULATED] ' : ''}${row.name} ${row.number}: ${input.outcome}, ${seconds} s${
          input.note ? ` — ${input.note}` : ''
        }`,
        alarmId,
        operatorId: actor.id,
      });
      return callView(row);
    });
    if (input.runId) this.o.onRunChanged(await this.runView(input.runId));
    return view;
  }
}
