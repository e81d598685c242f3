import type { Knex } from 'knex';
import type { Notice, NoticeParams } from '../../shared/contract';
import type { SiteFile } from '../../shared/domain/site';
import type { Locale } from '../../shared/domain/text';
import type { Migration } from '../common/migrations';
import type { InboxApplier } from './hub-link/inbox';
import type { FeatureHandlers, MethodTable } from './router/router';
import type { EventBus } from './util/bus';
import type { Clock } from '../common/clock';
import type { IdGenerator } from './util/ids';
import type { Logger } from '../common/log';
import type { Timeline } from './util/timeline';

/**
 * Tells every operator something (the system feature keeps the latest notices and pushes each one). `params`
 * let the renderer word it in the operator's language; `fold` makes repeats one notice with a count.
 */
export type Notify = (
  level: Notice['level'],
  code: string,
  message: string,
  options?: { params?: NoticeParams | undefined; fold?: string | undefined },
) => void;

/** What the composition root creates before any feature, and hands to each of them. */
export interface Infrastructure {
  db: Knex;
  clock: Clock;
  ids: IdGenerator;
  /** Durations and order: the steady timeline, immune to the wall clock being stepped; and the jumps it saw. */
  timeline: Timeline;
  log: Logger;
  bus: EventBus;
  site: SiteFile;
  /** This console: its own actions come back from the hub and are not applied twice. */
  consoleId: string;
  /** Database, logs, backups, snapshots, reports. */
  dataDir: string;
  notify: Notify;
  /** The console's default language: notices a feature words itself are in it (the audit trail's are too). */
  locale: Locale;
  /** The outbox has new rows: send them now if the hub link is up. */
  kickOutbox(): void;
  /** The data directory's disk: while it is full, new recordings (snapshots) give way to the database. */
  disk: { readonly full: boolean; onRecovered(fn: () => void): () => void };
}

type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/**
 * The features' handler maps as one table, typed as their intersection: assigned to the router's `Handlers`, it
 * does not compile while any contract method lacks a handler.
 */
export function handlerTable<F extends readonly { handlers: object }[]>(
  features: F,
): Intersection<F[number]['handlers']> {
  return Object.assign({}, ...features.map((f) => f.handlers)) as Intersection<F[number]['handlers']>;
}

/**
 * What every feature's factory (`electron/core/<feature>/index.ts`) returns. `service` is what other features
 * and the root may call; `handlers` answer the feature's own contract methods and nothing else; `appliers` run
 * inside each hub event's transaction; `migrations` are the feature's part of the schema history (the
 * database is opened before any feature exists, so core/schema.ts lists them statically and the root checks
 * the list holds them); `start` loads state and starts timers, `stop` ends them.
 */
export interface Feature<M extends MethodTable, S> {
  service: S;
  handlers: FeatureHandlers<M>;
  appliers: readonly InboxApplier[];
  migrations: readonly Migration[];
  start(): Promise<void>;
  stop(): Promise<void>;
}
