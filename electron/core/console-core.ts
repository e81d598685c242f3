import type { Knex } from 'knex';
import type { OperatorView, SystemInfo } from '../../shared/contract';
import type { AlarmService } from './alarms';
import type { EmbeddedHubHandle } from './config';
import type { FacilitiesService } from './facilities';
import type { GuardService, PatrolEngine } from './guards';
import type { HubLink } from './hub-link/link';
import type { OpenOptions } from './operators';
import type { RecordingsService } from './recordings';
import type { Carrier, Router, Session } from './router/router';
import type { StreamGateway } from './streams/gateway';
import type { EventBus } from './util/bus';

/** What the composition root (compose.ts) hands to Electron main, the web host and tests: the running core. */
export interface ConsoleCore {
  router: Router;
  bus: EventBus;
  db: Knex;
  hub: HubLink;
  gateway: StreamGateway;
  alarms: AlarmService;
  guards: GuardService;
  patrols: PatrolEngine;
  recordings: RecordingsService;
  facilities: FacilitiesService;
  /** Where the OsmAnd endpoint listens, when it is on. */
  osmandPort: number | undefined;
  /** The embedded site hub, when no production hub is configured. */
  embeddedHub: EmbeddedHubHandle | undefined;
  info: SystemInfo;
  /** A window's or tab's session, signed out (tests may pass the operator it acts as); closed when it goes. */
  openSession(carrier: Carrier, operator?: OperatorView | null, options?: OpenOptions): Session;
  closeSession(session: Session): void;
  stop(): Promise<void>;
}
