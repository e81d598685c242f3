/**
 * A `Source` over one {@link CameraStream} per configured camera: what ISAPI and Dahua share. The protocol
 * module only says which path to open and what a part means.
 */
import { readFileSync } from 'node:fs';
import type { RefusalCode } from '../../../../shared/contract';
import {
  escapeRaw,
  RefusedLog,
  sourceStatus,
  type Source,
  type SourceContext,
  type SourceStatus,
} from '../source';
import { CameraTracker, startSweeper, type CameraEntry, type CameraEvent } from './camera';
import type { Part } from './multipart';
import { CameraStream } from './stream';

export type PartMeaning =
  | { kind: 'events'; events: Omit<CameraEvent, 'camera'>[] }
  | { kind: 'heartbeat' }
  | { kind: 'other'; what: string }
  | { kind: 'refused'; reason: string };

export interface StreamSourceSpec {
  id: string;
  protocol: 'isapi' | 'dahua';
  cameras: CameraEntry[];
  path: string;
  defaultBoundary?: string;
  allowBasic: boolean;
  idleTimeoutSec: number;
  maxPartBytes: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  timeZone: string;
  autoClearSec: number;
  commitRetrySec: number;
  /** Resolves relative `ca` paths (the site file's folder). */
  baseDir?: string;
  meaning(part: Part): PartMeaning;
}

export interface CameraStreamSource extends Source {
  /** Per camera: connected now, connection attempts, open conditions (for tests and the status view). */
  streams(): { camera: string; connected: boolean; attempts: number; open: number; error?: string }[];
}

export function createStreamSource(spec: StreamSourceSpec, ctx: SourceContext): CameraStreamSource {
  const counts = { received: 0, committed: 0, refused: 0, errors: 0 };
  const refused = new RefusedLog();
  let lastMessageAt: number | undefined;
  let state: SourceStatus['state'] = 'stopped';
  let sweeper: NodeJS.Timeout | undefined;

  const refuse = (code: RefusalCode, camera: string, reason: string, raw: Buffer) => {
    counts.refused++;
    refused.add({ at: ctx.now(), code, peer: camera, reason, raw: escapeRaw(raw) });
  };

  const units = spec.cameras.map((entry) => {
    const tracker = new CameraTracker(spec.id, spec.protocol, entry, spec, ctx, counts);
    const all = entry.channels ? [...new Set(Object.values(entry.channels))] : [entry.camera];
    let health: 'ok' | 'offline' | undefined;
    const setHealth = (h: 'ok' | 'offline', cause: string) => {
      if (health === h) return;
      health = h;
      const now = ctx.now();
      for (const camera of all) {
        void tracker.report({
          key: `${spec.protocol}:${encodeURIComponent(spec.id)}:${encodeURIComponent(camera)}:state:${h}:${now}`,
          kind: 'state',
          state: h,
          device: tracker.device(camera),
          ...(entry.zone !== undefined ? { zone: entry.zone } : {}),
          cameras: [camera],
          at: now,
          origin: { protocol: spec.protocol, cause: cause.slice(0, 120) },
        });
      }
    };
    const cameraOf = (channel: string | undefined): string | undefined => {
      if (!entry.channels) return entry.camera;
      if (channel === undefined) return undefined;
      return Object.hasOwn(entry.channels, channel) ? entry.channels[channel] : undefined;
    };
    const stream = new CameraStream(
      {
        url: entry.url,
        path: spec.path,
        username: entry.username,
        password: entry.password,
        allowBasic: spec.allowBasic,
        ...(spec.defaultBoundary !== undefined ? { defaultBoundary: spec.defaultBoundary } : {}),
        idleTimeoutMs: spec.idleTimeoutSec * 1000,
        maxPartBytes: spec.maxPartBytes,
        reconnectMinMs: spec.reconnectMinMs,
        reconnectMaxMs: spec.reconnectMaxMs,
        ...(entry.ca !== undefined
          ? { ca: readFileSync(new URL(entry.ca, `file://${spec.baseDir ?? process.cwd()}/`)) }
          : {}),
      },
      {
        part: (p) => {
          counts.received++;
          lastMessageAt = ctx.now();
          const m = spec.meaning(p);
          if (m.kind === 'refused') return refuse('malformed', entry.camera, m.reason, p.body);
          if (m.kind !== 'events') {
            if (health === 'offline') setHealth('ok', 'stream open');
            return;
          }
          for (const e of m.events) {
            const camera = cameraOf(e.channel);
            if (!camera) {
              refuse(
                'unknown_sender',
                entry.camera,
                `an event on channel ${e.channel ?? '(none)'}, not in the site file`,
                p.body,
              );
              continue;
            }
            void tracker.handle({ ...e, camera });
          }
        },
        refused: (reason, raw, code) => refuse(code, entry.camera, reason, raw),
        connected: () => setHealth('ok', 'stream open'),
        disconnected: (reason) => {
          counts.errors++;
          ctx.log.warn('camera stream down', { source: spec.id, camera: entry.camera, reason });
          setHealth('offline', reason);
        },
      },
    );
    return { entry, tracker, stream };
  });

  return {
    id: spec.id,
    kind: 'camera',
    start() {
      state = 'starting';
      for (const u of units) u.stream.start();
      sweeper = startSweeper(() => units.map((u) => u.tracker), spec.autoClearSec);
      return Promise.resolve();
    },
    stop() {
      state = 'stopped';
      clearInterval(sweeper);
      for (const u of units) u.stream.stop();
      return Promise.resolve();
    },
    streams() {
      return units.map((u) => ({
        camera: u.entry.camera,
        connected: u.stream.isConnected,
        attempts: u.stream.attempts,
        open: u.tracker.openCount,
        ...(u.stream.lastError !== undefined ? { error: u.stream.lastError } : {}),
      }));
    },
    status(): SourceStatus {
      const peers = units.filter((u) => u.stream.isConnected).length;
      const shown: SourceStatus['state'] =
        state === 'stopped'
          ? 'stopped'
          : peers === units.length
            ? 'connected'
            : peers > 0 || counts.received > 0
              ? 'degraded'
              : state;
      const failing = units.find((u) => !u.stream.isConnected && u.stream.lastError)?.stream;
      return sourceStatus({
        id: spec.id,
        kind: 'camera',
        state: shown,
        // The cameras' ids, not a sentence: the view shows it as it is, in either language.
        endpoint: `${spec.protocol}: ${units.map((u) => u.entry.camera).join(', ')}`.slice(0, 200),
        peers,
        lastMessageAt,
        counts,
        refused,
        error: failing?.lastError,
        problem: failing?.lastProblem,
      });
    },
  };
}
