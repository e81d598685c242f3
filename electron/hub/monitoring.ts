import type { IncomingMessage, ServerResponse } from 'node:http';
import { HUB_PROTOCOL_VERSION, type HubSourceStatus } from '../../shared/contract';
import type { Logger } from '../common/log';
import type { HubMetrics } from './metrics';

/** What the monitoring endpoints read of a hub: all of it bounded, none of it written. */
export interface Monitored {
  ping(): Promise<unknown>;
  engine(): string;
  sourcesStarted(): boolean;
  metrics(): HubMetrics;
  log(): Logger;
  headSeq(): Promise<number>;
  uptimeSec(): number;
  consoles(): number;
  sources(): HubSourceStatus[];
  /** This instance's name, and how many instances on its database it hears (itself included; 1 on SQLite). */
  instance(): string;
  instances(): Promise<number>;
}

export interface Readiness {
  ok: boolean;
  /** Which instance answered: behind a reverse proxy, the one this probe reached. */
  instance: string;
  /** The instances this one hears through the fan-out (itself included). Information only: never unready for it. */
  instances: number;
  engine: string;
  database: string;
  sources: string;
}

const NO_STORE = { 'cache-control': 'no-store' };

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', ...NO_STORE });
  res.end(JSON.stringify(body));
}

/** Ready for consoles: the database answers within 2 s and the sources have been started. */
export async function readiness(hub: Monitored): Promise<Readiness> {
  let database = 'ok';
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      hub.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000);
      }),
    ]);
  } catch (err) {
    database = `unreachable: ${(err as Error).message.slice(0, 200)}`;
  } finally {
    clearTimeout(timer);
  }
  const sources = hub.sourcesStarted() ? 'started' : 'starting';
  const instances = await hub.instances().catch(() => 1);
  return {
    ok: database === 'ok' && sources === 'started',
    instance: hub.instance(),
    instances,
    engine: hub.engine(),
    database,
    sources,
  };
}

/**
 * `/health` (the hub's state), `/healthz` (liveness), `/readyz` (readiness) and `/metrics` (Prometheus): read-only
 * and answered from bounded data. Returns whether the request was one of them.
 */
export async function answerMonitoring(
  req: IncomingMessage,
  res: ServerResponse,
  hub: Monitored,
): Promise<boolean> {
  if (req.method !== 'GET') return false;
  const path = (req.url ?? '').split('?')[0];
  if (path === '/healthz') {
    // Liveness: the process answers. The database is readiness's business: a restart would not bring it back.
    json(res, 200, { ok: true });
    return true;
  }
  if (path === '/readyz') {
    const ready = await readiness(hub);
    json(res, ready.ok ? 200 : 503, ready);
    return true;
  }
  if (path === '/metrics') {
    const metrics = hub.metrics();
    try {
      const text = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.contentType, ...NO_STORE });
      res.end(text);
    } catch (err) {
      hub.log().warn('metrics could not be collected', { error: (err as Error).message });
      res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
    }
    return true;
  }
  if (req.url === '/health') {
    let headSeq = 0;
    try {
      headSeq = await hub.headSeq();
    } catch {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"ok":false}');
      return true;
    }
    json(res, 200, {
      ok: true,
      protocolVersion: HUB_PROTOCOL_VERSION,
      instance: hub.instance(),
      uptimeSec: hub.uptimeSec(),
      headSeq,
      consoles: hub.consoles(),
      sources: hub.sources().map((s) => ({
        id: s.id,
        kind: s.kind,
        state: s.state,
        endpoint: s.endpoint,
        peers: s.peers,
      })),
    });
    return true;
  }
  return false;
}
