import type { Knex } from 'knex';
import type { playbookMethods, RunView } from '../../../shared/contract';
import type { SiteFile } from '../../../shared/domain/site';
import { actorOf } from '../actor';
import type { FeatureHandlers, Session } from '../router/router';
import type { EventBus } from '../util/bus';
import type { Clock } from '../../common/clock';
import type { ContactDirectory } from './contacts';
import type { PlaybookLibrary } from './library';
import { drillReport, incidentReport } from './report';
import type { DrillService } from './drills';
import type { DrillRules } from './drill-rules';
import type { PlaybookService } from './service';

export interface PlaybookHandlerDeps {
  db: Knex;
  clock: Clock;
  bus: EventBus;
  site: SiteFile;
  dataDir: string;
  /** The report font (`file` or `file.ttc#Face`); else CONSOLE_PDF_FONT, else the platform's CJK fonts. */
  reportFont: string | undefined;
  library: PlaybookLibrary;
  contacts: ContactDirectory;
  service: PlaybookService;
  drills: DrillService;
  rules: DrillRules;
}

/** Playbooks, runs, contacts, calls, reports and drills. */
export function playbookHandlers(d: PlaybookHandlerDeps): FeatureHandlers<typeof playbookMethods> {
  const { db, clock, bus, library, contacts, service, drills } = d;
  const reportContext = (session: Session) => ({
    db,
    site: d.site,
    dataDir: d.dataDir,
    font: d.reportFont ?? process.env.CONSOLE_PDF_FONT,
    now: clock.now(),
    operatorName: session.operator!.name,
  });
  const contactsChanged = () =>
    bus.emit('contacts.changed', { contacts: contacts.list(), phone: contacts.phone });

  return {
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
    'drills.list': async () => ({ drills: await drills.drills() }),
    'drills.schedule': (input, { session }) => drills.schedule(input, actorOf(session)),
    'drills.rules': async () => ({ rules: await d.rules.list() }),
    'drills.saveRule': async (input, { session }) => ({ rules: await d.rules.save(input, actorOf(session)) }),
    'drills.removeRule': async ({ id }, { session }) => ({
      rules: await d.rules.remove(id, actorOf(session)),
    }),
    'drills.cancel': ({ drillId, reason }, { session }) => drills.cancel(drillId, reason, actorOf(session)),
    'drills.start': ({ drillId }, { session }) => drills.startDrill(drillId, actorOf(session)),
    'drills.rollCall': ({ drillId, participant, present }, { session }) =>
      drills.rollCall(drillId, participant, present, actorOf(session)),
    'drills.finish': ({ drillId, observations, correctiveActions }, { session }) =>
      drills.finishDrill(drillId, observations, correctiveActions, actorOf(session)),
    'reports.drill': async ({ drillId, locale }, { session }) => {
      const drill = await drills.drill(drillId);
      const run = drill.runId ? await service.runView(drill.runId) : undefined;
      return drillReport(reportContext(session), drill, run, locale);
    },
  };
}
