import type { ContactView, DrillView, playbookMethods, RunView } from '../../../shared/contract';
import type { AlarmService } from '../alarms';
import type { Feature, Infrastructure } from '../feature';
import type { GuardsService } from '../guards';
import { ContactDirectory } from './contacts';
import { DrillService } from './drills';
import { DrillRules } from './drill-rules';
import { drillRulesMigration } from './drill-rules-migration';
import { fill } from '../../../shared/i18n/notices';
import { MESSAGES } from '../../../shared/i18n';
import { playbookHandlers } from './handlers';
import { PlaybookLibrary, shippedPlaybooksDir } from './library';
import { playbooksMigration } from './migration';
import { PlaybookService } from './service';

export const playbookMigrations = [playbooksMigration, drillRulesMigration] as const;

export interface PlaybooksService {
  /** The contact directory in force: supervisors' edits over the site file's contacts. */
  contacts(): ContactView[];
  drills(): Promise<DrillView[]>;
}

export interface PlaybooksOptions {
  alarms: AlarmService;
  guards: Pick<GuardsService, 'dispatch'>;
  /** Shipped playbooks; defaults to resources/playbooks. */
  playbooksDir?: string | undefined;
  /** The report font (`file` or `file.ttc#Face`); else CONSOLE_PDF_FONT, else the platform's CJK fonts. */
  reportFont?: string | undefined;
  /** Recurring drills are generated and reminded of this often (default 10 min). */
  checkEveryMs?: number | undefined;
}

/** Emergency playbooks: the versioned library, runs on incidents, contacts and calls, reports, drills. */
export function createPlaybooks(
  infra: Infrastructure,
  o: PlaybooksOptions,
): Feature<typeof playbookMethods, PlaybooksService> {
  const { db, clock, bus, site } = infra;
  const log = infra.log.child('playbooks');
  const library = new PlaybookLibrary(db, infra.ids, log);
  const contacts = new ContactDirectory(db, site);
  const onRunChanged = (run: RunView) => bus.emit('runs.changed', { run });
  const service = new PlaybookService({
    db,
    clock,
    ids: infra.ids,
    log,
    dataDir: infra.dataDir,
    disk: infra.disk,
    site,
    library,
    contacts,
    alarms: o.alarms,
    onRunChanged,
    onFlag: (message, params) => infra.notify('warning', 'playbook-skip', message, { params }),
    // A dispatch step sends the guard exactly as the alarm detail's guards.dispatch does (issue 6), through the
    // guards service and as the operator who took the step (the audit, the hub order and the trail name him).
    // There is no second role check here: the step arrives by runs.step, which the router has already checked
    // for this operator, and runs.step needs at least the role guards.dispatch needs (the role-matrix test
    // pins that, so raising guards.dispatch's role alone cannot open a way around it).
    dispatchGuard: async (alarmId, guardId, note, actor) => {
      await o.guards.dispatch(alarmId, guardId, note, actor);
    },
  });
  const drills = new DrillService({
    db,
    clock,
    ids: infra.ids,
    site,
    library,
    alarms: o.alarms,
    runs: service,
    onRunChanged,
    onDrillsChanged: (list: DrillView[]) => bus.emit('drills.changed', { drills: list }),
  });
  const rules = new DrillRules({
    db,
    clock,
    ids: infra.ids,
    site,
    library,
    drills,
    remind: (due) => {
      const code = 'drills-due';
      const params = {
        count: due.length,
        titles: due
          .slice(0, 3)
          .map((d) => d.title)
          .join(', '),
        at: due[0]!.at,
      };
      infra.notify('info', code, fill(MESSAGES[infra.locale].notices.codes[code], params), { params });
    },
  });
  let timer: unknown;
  let pending: Promise<unknown> = Promise.resolve();
  const tick = () => {
    pending = pending
      .then(() => rules.generate())
      .then(() => rules.remind())
      .catch((err: Error) => log.error('recurring drills failed', { error: err.message }));
    return pending;
  };

  return {
    service: { contacts: () => contacts.list(), drills: () => drills.drills() },
    handlers: playbookHandlers({
      db,
      clock,
      bus,
      site,
      dataDir: infra.dataDir,
      reportFont: o.reportFont,
      library,
      contacts,
      service,
      drills,
      rules,
    }),
    appliers: [],
    migrations: playbookMigrations,
    async start() {
      await library.importShipped(o.playbooksDir ?? shippedPlaybooksDir(), clock.now());
      await contacts.load();
      await tick();
      timer = clock.setInterval(() => void tick(), o.checkEveryMs ?? 10 * 60_000);
    },
    async stop() {
      clock.clearInterval(timer);
      await pending;
    },
  };
}
