import type { Knex } from 'knex';
import type { CorrectiveAction, DrillView, RunView } from '../../../shared/contract';
import type { AlarmType } from '../../../shared/domain/alarm';
import type { SiteFile } from '../../../shared/domain/site';
import type { Clock } from '../../common/clock';
import type { Actor } from '../actor';
import type { AlarmService } from '../alarms';
import { appendAudit, auditActor } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { IdGenerator } from '../util/ids';
import { opt } from '../util/optional';
import type { PlaybookLibrary } from './library';
import type { PlaybookService } from './service';

interface DrillRow {
  id: string;
  playbook_id: string;
  title: string;
  scheduled_at: number;
  zone: string | null;
  participants: string;
  objectives: string;
  state: DrillView['state'];
  created_by: string;
  created_at: number;
  incident_id: string | null;
  alarm_id: string | null;
  run_id: string | null;
  started_at: number | null;
  finished_at: number | null;
  roll_call: string;
  observations: string;
  corrective_actions: string;
}

function drillView(r: DrillRow): DrillView {
  return {
    id: r.id,
    playbookId: r.playbook_id,
    title: r.title,
    scheduledAt: r.scheduled_at,
    zone: opt(r.zone),
    participants: JSON.parse(r.participants) as string[],
    objectives: r.objectives,
    state: r.state,
    createdBy: r.created_by,
    incidentId: opt(r.incident_id),
    alarmId: opt(r.alarm_id),
    runId: opt(r.run_id),
    startedAt: opt(r.started_at),
    finishedAt: opt(r.finished_at),
    rollCall: JSON.parse(r.roll_call) as Record<string, boolean>,
    observations: r.observations,
    correctiveActions: JSON.parse(r.corrective_actions) as CorrectiveAction[],
  };
}

export interface DrillServiceOptions {
  db: Knex;
  clock: Clock;
  ids: IdGenerator;
  site: SiteFile;
  library: PlaybookLibrary;
  alarms: AlarmService;
  /** A drill runs its playbook as any incident does. */
  runs: Pick<PlaybookService, 'start' | 'runView'>;
  onRunChanged(run: RunView): void;
  onDrillsChanged(drills: DrillView[]): void;
}

/**
 * Drills: scheduled, started as a DRILL alarm and incident with their playbook running on it, a roll-call while
 * they run, finished with observations and corrective actions. Every change is one transaction with its audit
 * entry (and duty-log line where the shift should read it).
 */
export class DrillService {
  constructor(private readonly o: DrillServiceOptions) {}

  async drills(): Promise<DrillView[]> {
    const rows = (await this.o.db('drills').orderBy('scheduled_at', 'desc').limit(200)) as DrillRow[];
    return rows.map(drillView);
  }

  async drill(id: string, db: Knex | Knex.Transaction = this.o.db): Promise<DrillView> {
    const row = (await db('drills').where({ id }).first()) as DrillRow | undefined;
    if (!row) throw new ServiceError('not_found', `There is no drill "${id}".`);
    return drillView(row);
  }

  /** Every open view reads the drills again (after a change committed elsewhere: a generated drill). */
  async drillsChanged(): Promise<void> {
    this.o.onDrillsChanged(await this.drills());
  }

  async schedule(
    input: {
      playbookId: string;
      title: string;
      scheduledAt: number;
      zone?: string | undefined;
      participants: string[];
      objectives: string;
    },
    actor: Actor,
    /** The recurring rule it comes from (a generated drill), and the transaction it joins. */
    from?: { ruleId: string; trx: Knex.Transaction },
  ): Promise<DrillView> {
    await this.o.library.get(input.playbookId, undefined, from?.trx);
    if (input.zone && !this.o.site.zones.some((z) => z.id === input.zone))
      throw new ServiceError('invalid_input', `There is no zone "${input.zone}".`);
    const id = this.o.ids();
    const now = this.o.clock.now();
    const write = async (trx: Knex.Transaction) => {
      await trx('drills').insert({
        id,
        ...(from ? { rule_id: from.ruleId } : {}),
        playbook_id: input.playbookId,
        title: input.title,
        scheduled_at: input.scheduledAt,
        zone: input.zone ?? null,
        participants: JSON.stringify([...new Set(input.participants)]),
        objectives: input.objectives,
        state: 'scheduled',
        created_by: actor.name,
        created_at: now,
        roll_call: '{}',
        observations: '',
        corrective_actions: '[]',
      });
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'drill.schedule',
        target: id,
        details: { ...input },
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'drill',
        text: `drill scheduled: ${input.title} at ${new Date(input.scheduledAt).toISOString()}`,
        operatorId: actor.id,
      });
    };
    if (from) {
      // The caller's transaction: it announces the change once it commits.
      await write(from.trx);
      return this.drill(id, from.trx);
    }
    await this.o.db.transaction(write);
    await this.drillsChanged();
    return this.drill(id);
  }

  async cancel(drillId: string, reason: string, actor: Actor): Promise<DrillView> {
    await this.o.db.transaction(async (trx) => {
      const d = await this.drill(drillId, trx);
      if (d.state !== 'scheduled')
        throw new ServiceError('conflict', 'Only a scheduled drill can be cancelled.');
      const now = this.o.clock.now();
      await trx('drills').where({ id: drillId }).update({ state: 'cancelled' });
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'drill.cancel',
        target: drillId,
        details: { reason },
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'drill',
        text: `drill cancelled: ${d.title} (${reason})`,
        operatorId: actor.id,
      });
    });
    await this.drillsChanged();
    return this.drill(drillId);
  }

  /** A DRILL alarm and incident, with the drill's playbook started on it; one transaction. */
  async startDrill(drillId: string, actor: Actor): Promise<DrillView> {
    let run: RunView | undefined;
    await this.o.db.transaction(async (trx) => {
      const d = await this.drill(drillId, trx);
      if (d.state !== 'scheduled')
        throw new ServiceError('conflict', `This drill is ${d.state}, not scheduled.`);
      const pb = await this.o.library.get(d.playbookId, undefined, trx);
      const now = this.o.clock.now();
      const zone = d.zone ? this.o.site.zones.find((z) => z.id === d.zone) : undefined;
      const received = await this.o.alarms.receive(trx, {
        source: 'manual',
        sourceId: `drill-${drillId}`,
        type: (pb.alarmTypes[0] ?? 'manual') as AlarmType,
        zone: d.zone,
        location: zone?.polygon[0],
        cameras: this.o.site.cameras.filter((c) => c.zone && c.zone === d.zone).map((c) => c.id),
        raisedAt: now,
        text: `DRILL 演练: ${d.title}`,
        drill: true,
      });
      if (received.status !== 'new') throw new ServiceError('conflict', 'This drill was already started.');
      run = await this.o.runs.start(received.alarm.id, d.playbookId, actor, trx);
      await trx('drills')
        .where({ id: drillId })
        .update({
          state: 'running',
          started_at: now,
          incident_id: run.incidentId,
          alarm_id: received.alarm.id,
          run_id: run.id,
          roll_call: JSON.stringify(Object.fromEntries(d.participants.map((p) => [p, false]))),
        });
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'drill.start',
        target: drillId,
        details: { alarm: received.alarm.id, run: run.id },
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'drill',
        text: `[DRILL] started: ${d.title}`,
        alarmId: received.alarm.id,
        operatorId: actor.id,
      });
    });
    if (run) this.o.onRunChanged(await this.o.runs.runView(run.id));
    await this.drillsChanged();
    return this.drill(drillId);
  }

  async rollCall(drillId: string, participant: string, present: boolean, actor: Actor): Promise<DrillView> {
    await this.o.db.transaction(async (trx) => {
      const d = await this.drill(drillId, trx);
      if (d.state !== 'running')
        throw new ServiceError('conflict', 'The roll-call is taken while the drill runs.');
      const rollCall = { ...d.rollCall, [participant]: present };
      const participants = d.participants.includes(participant)
        ? d.participants
        : [...d.participants, participant];
      await trx('drills')
        .where({ id: drillId })
        .update({ roll_call: JSON.stringify(rollCall), participants: JSON.stringify(participants) });
      await appendAudit(trx, {
        at: this.o.clock.now(),
        ...auditActor(actor),
        action: 'drill.rollCall',
        target: drillId,
        details: { participant, present },
      });
    });
    await this.drillsChanged();
    return this.drill(drillId);
  }

  async finishDrill(
    drillId: string,
    observations: string,
    correctiveActions: CorrectiveAction[],
    actor: Actor,
  ): Promise<DrillView> {
    let alarmId: string | undefined;
    await this.o.db.transaction(async (trx) => {
      const d = await this.drill(drillId, trx);
      if (d.state !== 'running') throw new ServiceError('conflict', 'Only a running drill can be finished.');
      const now = this.o.clock.now();
      await trx('drills')
        .where({ id: drillId })
        .update({
          state: 'finished',
          finished_at: now,
          observations,
          corrective_actions: JSON.stringify(correctiveActions),
        });
      if (d.runId)
        await trx('playbook_runs')
          .where({ id: d.runId })
          .whereNull('finished_at')
          .update({ finished_at: now });
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: 'drill.finish',
        target: drillId,
        details: { observations, correctiveActions },
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'drill',
        text: `[DRILL] finished: ${d.title}; ${correctiveActions.length} corrective action(s)`,
        alarmId: d.alarmId,
        operatorId: actor.id,
      });
      alarmId = d.alarmId;
    });
    if (alarmId) {
      const open = (await this.o.db('alarms').where({ id: alarmId }).first('state')) as
        { state: string } | undefined;
      if (open && open.state !== 'resolved')
        await this.o.alarms.resolve(alarmId, 'test', 'drill finished / 演练结束', actor);
    }
    await this.drillsChanged();
    return this.drill(drillId);
  }
}
