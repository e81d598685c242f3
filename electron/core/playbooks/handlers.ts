import type { Knex } from 'knex';
import type { DrillView, RunView } from '../../../shared/contract';
import type { SiteFile } from '../../../shared/domain/site';
import type { Actor } from '../actor';
import type { AlarmService } from '../alarms';
import type { Handlers, Session } from '../router/router';
import type { EventBus } from '../util/bus';
import type { Clock } from '../util/clock';
import type { IdGenerator } from '../util/ids';
import type { Logger } from '../util/log';
import { ContactDirectory } from './contacts';
import { PlaybookLibrary, shippedPlaybooksDir } from './library';
import { drillReport, incidentReport } from './report';
import { PlaybookService } from './service';

export type PlaybookMethod =
  | 'playbooks.list'
  | 'playbooks.get'
  | 'playbooks.save'
  | 'runs.forAlarm'
  | 'runs.get'
  | 'runs.start'
  | 'runs.step'
  | 'runs.snapshot'
  | 'contacts.list'
  | 'contacts.save'
  | 'contacts.remove'
  | 'contacts.setPhone'
  | 'calls.record'
  | 'reports.incident'
  | 'drills.list'
  | 'drills.schedule'
  | 'drills.cancel'
  | 'drills.start'
  | 'drills.rollCall'
  | 'drills.finish'
  | 'reports.drill';

export interface PlaybookDeps {
  db: Knex;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
  bus: EventBus;
  dataDir: string;
  site: SiteFile;
  alarms: AlarmService;
  /** Tells every operator (and so the supervisor): a skipped step. */
  notify(level: 'warning', code: string, message: string): void;
  /** Sends a guard to an alarm (guards.dispatch); without it a dispatch step only moves the alarm to dispatched. */
  dispatchGuard?:
    ((alarmId: string, guardId: string, note: string | undefined, actor: Actor) => Promise<void>) | undefined;
  /** Shipped playbooks; defaults to resources/playbooks. */
  playbooksDir?: string | undefined;
  /** The report font (`file` or `file.ttc#Face`); else CONSOLE_PDF_FONT, else the platform's CJK fonts. */
  reportFont?: string | undefined;
}

/** Playbooks, contacts, calls, reports and drills: loads what they need and returns their handlers. */
export async function createPlaybooks(deps: PlaybookDeps) {
  const { db, clock, bus } = deps;
  const library = new PlaybookLibrary(db, deps.ids, deps.log);
  await library.importShipped(deps.playbooksDir ?? shippedPlaybooksDir(), clock.now());
  const contacts = new ContactDirectory(db, deps.site);
  await contacts.load();
  const service = new PlaybookService({
    db,
    clock,
    ids: deps.ids,
    log: deps.log,
    dataDir: deps.dataDir,
    site: deps.site,
    library,
    contacts,
    alarms: deps.alarms,
    onRunChanged: (run: RunView) => bus.emit('runs.changed', { run }),
    onDrillsChanged: (drills: DrillView[]) => bus.emit('drills.changed', { drills }),
    onFlag: (message) => deps.notify('warning', 'playbook-skip', message),
    dispatchGuard: deps.dispatchGuard,
  });
  const actorOf = (session: Session): Actor => ({ id: session.operator!.id, name: session.operator!.name });
  const reportContext = (session: Session) => ({
    db,
    site: deps.site,
    dataDir: deps.dataDir,
    font: deps.reportFont ?? process.env.CONSOLE_PDF_FONT,
    now: clock.now(),
    operatorName: session.operator!.name,
  });
  const contactsChanged = () =>
    bus.emit('contacts.changed', { contacts: contacts.list(), phone: contacts.phone });

  const handlers: Pick<Handlers, PlaybookMethod> = {
    'playbooks.list': async () => ({ playbooks: await library.list() }),
    'playbooks.get': ({ id, version }) => library.get(id, version),
    'playbooks.save': ({ definition }, { session }) =>
      library.save(definition, actorOf(session), clock.now()),
    'runs.forAlarm': ({ alarmId }) => service.forAlarm(alarmId),
    'runs.get': ({ runId }) => service.runView(runId),
    'runs.start': ({ alarmId, playbookId }, { session }) =>
      service.start(alarmId, playbookId, actorOf(session)),
    'runs.step': (input, { session }) => service.step(input, actorOf(session)),
    'runs.snapshot': ({ runId, cameraId, png }, { session }) =>
      service.snapshot(runId, cameraId, png, actorOf(session)),
    'contacts.list': () => ({ contacts: contacts.list(), phone: contacts.phone }),
    'contacts.save': async (input, { session }) => {
      const saved = await contacts.save(input, actorOf(session), clock.now());
      contactsChanged();
      return saved;
    },
    'contacts.remove': async ({ id }, { session }) => {
      await contacts.remove(id, actorOf(session), clock.now());
      contactsChanged();
      return { done: true as const };
    },
    'contacts.setPhone': async (input, { session }) => {
      const saved = await contacts.setPhone(input, actorOf(session), clock.now());
      contactsChanged();
      return saved;
    },
    'calls.record': (input, { session }) => service.recordCall(input, actorOf(session)),
    'reports.incident': async ({ incidentId, locale }, { session }) => {
      const runIds = (await db('playbook_runs')
        .where({ incident_id: incidentId })
        .orderBy('started_at')
        .pluck('id')) as string[];
      const runs: RunView[] = [];
      for (const id of runIds) runs.push(await service.runView(id));
      return incidentReport(reportContext(session), incidentId, runs, locale);
    },
    'drills.list': async () => ({ drills: await service.drills() }),
    'drills.schedule': (input, { session }) => service.schedule(input, actorOf(session)),
    'drills.cancel': ({ drillId, reason }, { session }) => service.cancel(drillId, reason, actorOf(session)),
    'drills.start': ({ drillId }, { session }) => service.startDrill(drillId, actorOf(session)),
    'drills.rollCall': ({ drillId, participant, present }, { session }) =>
      service.rollCall(drillId, participant, present, actorOf(session)),
    'drills.finish': ({ drillId, observations, correctiveActions }, { session }) =>
      service.finishDrill(drillId, observations, correctiveActions, actorOf(session)),
    'reports.drill': async ({ drillId, locale }, { session }) => {
      const drill = await service.drill(drillId);
      const run = drill.runId ? await service.runView(drill.runId) : undefined;
      return drillReport(reportContext(session), drill, run, locale);
    },
  };
  return { handlers, service, library, contacts };
}
