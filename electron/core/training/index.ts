import type { trainingMethods } from '../../../shared/contract';
import { fill } from '../../../shared/i18n/notices';
import { MESSAGES } from '../../../shared/i18n';
import { actorOf } from '../actor';
import type { Feature, Infrastructure } from '../feature';
import { seedDemoTraining } from './demo';
import { trainingMigration } from './migration';
import { TrainingService } from './service';

export { TrainingService, type ExpiryNews } from './service';

export const trainingMigrations = [trainingMigration] as const;

export interface TrainingOptions {
  /** Certificates' expiry is checked this often (default 10 min: a status changes at a local midnight). */
  checkEveryMs?: number | undefined;
  /** The embedded demo site: a few training records and a certificate about to expire. */
  demo?: boolean | undefined;
}

/**
 * Training and certificates (issue 18): operators' and guards' training records and certificates, an expiring
 * or expired certificate told to the supervisor once, and the fire desk's sign-on rule (the shift asks
 * `service.signOn` before anyone goes on duty). A feature of its own rather than part of facilities: it is about
 * people, not devices, and the shift depends on it, which facilities has no reason to be part of.
 */
export function createTraining(
  infra: Infrastructure,
  o: TrainingOptions = {},
): Feature<typeof trainingMethods, TrainingService> {
  const { db, clock, bus } = infra;
  const log = infra.log.child('training');
  type Code = keyof (typeof MESSAGES)['zh-CN']['notices']['codes'];
  const notice = (level: 'info' | 'warning', code: Code, params: Record<string, string | number>) =>
    infra.notify(level, code, fill(MESSAGES[infra.locale].notices.codes[code], params), { params });
  const service = new TrainingService({
    db,
    clock,
    ids: infra.ids,
    site: infra.site,
    changed: () => bus.emit('training.changed', {}),
    tell: ({ stage, names }) =>
      notice(
        stage === 'expired' ? 'warning' : 'info',
        stage === 'expired' ? 'training-certificates-expired' : 'training-certificates-expiring',
        {
          count: names.length,
          names: names.slice(0, 5).join(', ') + (names.length > 5 ? ' …' : ''),
          days: infra.site.training.expiryNoticeDays,
        },
      ),
    warned: (operator, v) =>
      notice('warning', v.why === 'expired' ? 'training-sign-on-expired' : 'training-sign-on-missing', {
        name: operator.name,
        ...(v.expiresOn ? { expiresOn: v.expiresOn } : {}),
      }),
  });
  let timer: unknown;
  let checking: Promise<unknown> = Promise.resolve();
  const check = () => {
    checking = checking
      .then(() => service.checkExpiry())
      .catch((err: Error) => log.error('certificate expiry check failed', { error: err.message }));
    return checking;
  };
  return {
    service,
    handlers: {
      'training.list': () => service.list(),
      'training.saveRecord': (input, { session }) => service.saveRecord(input, actorOf(session)),
      'training.removeRecord': async ({ id }, { session }) => {
        await service.removeRecord(id, actorOf(session));
        return { done: true as const };
      },
      'training.saveCertificate': async (input, { session }) => {
        const view = await service.saveCertificate(input, actorOf(session));
        // A certificate entered already inside its notice lead is told at once, not at the next tick.
        void check();
        return view;
      },
      'training.removeCertificate': async ({ id }, { session }) => {
        await service.removeCertificate(id, actorOf(session));
        return { done: true as const };
      },
    },
    appliers: [],
    migrations: trainingMigrations,
    async start() {
      if (o.demo) await seedDemoTraining(db, infra.site, clock.now());
      await check();
      timer = clock.setInterval(() => void check(), o.checkEveryMs ?? 10 * 60_000);
    },
    async stop() {
      clock.clearInterval(timer);
      await checking;
    },
  };
}
