import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { HubSourceStatus } from '../../shared/contract';
import type { HubEngine } from './storage';

/** What the metrics read from the hub at each scrape (nothing is kept between scrapes but the counter). */
export interface HubMetricsView {
  engine: HubEngine;
  /** The connected consoles: where each one's stream stands (bounded by the hub). */
  consoles(): { consoleId: string; cursor: number; inFlight: number }[];
  headSeq(): Promise<number>;
  /** Consoles whose acknowledgements are not yet written. */
  pendingAcks(): number;
  /** Events submitted to `publish` and not yet in a write. */
  writeQueue(): number;
  sources(): HubSourceStatus[];
  /** This instance's name and how many instances it hears on its database (fanout.ts; 1 on SQLite). */
  instance(): string;
  instances(): Promise<number>;
}

/** Label values from outside (console ids, source ids) are cut to this: a scrape stays small whatever they send. */
const LABEL_MAX = 64;
/** Sources listed at most (a site file's are far fewer). */
const SOURCES_MAX = 256;

const label = (v: string) => v.slice(0, LABEL_MAX);

/**
 * The hub's Prometheus metrics (`GET /metrics`), in a registry of its own (a process may run several hubs, the
 * tests do). Gauges are filled at scrape time from the hub's own state, so a console that left is gone from the
 * next scrape; the one counter (events committed; Prometheus' `rate()` makes it events per second) only grows.
 */
export class HubMetrics {
  private readonly registry = new Registry();
  private readonly committedTotal: Counter;
  private readonly head: Gauge;
  private readonly lag: Gauge<'console'>;
  private readonly unacked: Gauge<'console'>;
  private readonly connected: Gauge;
  private readonly instanceInfo: Gauge<'instance'>;
  private readonly instanceCount: Gauge;
  private readonly wakeups: Counter<'by'>;

  constructor(private readonly view: HubMetricsView) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.committedTotal = new Counter({
      name: 'hub_events_committed_total',
      help: 'Events committed to the hub log (rate() gives events per second).',
      registers,
    });
    new Gauge({
      name: 'hub_database_info',
      help: 'The engine keeping the hub log (always 1; the engine is the label).',
      labelNames: ['engine'],
      registers,
    }).set({ engine: view.engine }, 1);
    this.instanceInfo = new Gauge({
      name: 'hub_instance_info',
      help: 'Which hub instance this is (always 1; the name is the label).',
      labelNames: ['instance'],
      registers,
    });
    this.instanceCount = new Gauge({
      name: 'hub_instances',
      help: 'Hub instances this one hears through the fan-out on its database, itself included (1 on SQLite).',
      registers,
    });
    this.wakeups = new Counter({
      name: 'hub_fanout_wakeups_total',
      help: "Another instance's commits noticed: by its notification, or by the safety poll (a notification lost).",
      labelNames: ['by'],
      registers,
    });
    // Both series from the first scrape: a rate() over a series that appears later misses its first step.
    for (const by of ['notify', 'poll']) this.wakeups.inc({ by }, 0);
    this.head = new Gauge({
      name: 'hub_log_head_seq',
      help: 'The highest sequence in the hub log.',
      registers,
    });
    this.lag = new Gauge({
      name: 'hub_console_replay_lag_events',
      help: 'Per connected console: events in the log not yet sent to it (its replay still to go).',
      labelNames: ['console'],
      registers,
    });
    this.unacked = new Gauge({
      name: 'hub_console_unacked_events',
      help: 'Per connected console: events sent and not yet acknowledged.',
      labelNames: ['console'],
      registers,
    });
    this.connected = new Gauge({
      name: 'hub_consoles_connected',
      help: 'Consoles connected now.',
      registers,
    });
    new Gauge({
      name: 'hub_ack_backlog_consoles',
      help: 'Consoles whose acknowledged position is not yet written to the database.',
      registers,
      collect() {
        this.set(view.pendingAcks());
      },
    });
    new Gauge({
      name: 'hub_write_queue_events',
      help: 'Events waiting for the next group commit.',
      registers,
      collect() {
        this.set(view.writeQueue());
      },
    });
    new Gauge({
      name: 'hub_source_state',
      help: 'Per equipment source: 1 for its current state (the state is a label).',
      labelNames: ['source', 'kind', 'state'],
      registers,
      collect() {
        this.reset();
        for (const s of view.sources().slice(0, SOURCES_MAX))
          this.set({ source: label(s.id), kind: label(s.kind), state: s.state }, 1);
      },
    });
  }

  /** Another instance moved the log's head, noticed `by` its notification or the poll. */
  wokenBy(by: 'notify' | 'poll'): void {
    this.wakeups.inc({ by });
  }

  committed(n: number): void {
    if (n > 0) this.committedTotal.inc(n);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * The scrape. The log's head is read once, before the registry renders: prom-client collects all metrics at
   * once, so a gauge filled by another's asynchronous `collect` would be rendered before it was filled.
   */
  async render(): Promise<string> {
    const seq = await this.view.headSeq();
    this.head.set(seq);
    // Named at scrape time: the default name has the port, known once the hub listens.
    this.instanceInfo.reset();
    this.instanceInfo.set({ instance: label(this.view.instance()) }, 1);
    this.instanceCount.set(await this.view.instances().catch(() => 1));
    this.lag.reset();
    this.unacked.reset();
    const consoles = this.view.consoles();
    this.connected.set(consoles.length);
    for (const c of consoles) {
      this.lag.set({ console: label(c.consoleId) }, Math.max(0, seq - c.cursor));
      this.unacked.set({ console: label(c.consoleId) }, c.inFlight);
    }
    return this.registry.metrics();
  }
}
