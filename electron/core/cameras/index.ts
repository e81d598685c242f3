import { join } from 'node:path';
import type { cameraMethods, CameraAdminView } from '../../../shared/contract';
import { pickText } from '../../../shared/domain/text';
import { actorOf } from '../actor';
import { ServiceError } from '../errors';
import type { AlarmService } from '../alarms';
import type { Feature, Infrastructure } from '../feature';
import { cameraView } from '../site/view';
import type { StreamGateway } from '../streams/gateway';
import { saveSnapshot } from '../streams/snapshot';
import { redactUrl } from '../../common/redact';
import { CameraOfflineEngine } from './engine';
import { camerasMigration } from './migration';
import { CameraRegistry, hideNvrSecret, restoreCredentials, testConnection, type Camera } from './registry';

export type { Camera } from './registry';

export const cameraMigrations = [camerasMigration] as const;

export interface CamerasService {
  /** The cameras in force: the site file's with supervisors' edits on top. */
  list(): Camera[];
  find(id: string): Camera | undefined;
  /** The camera's Chinese name (duty log, handover), or its id. */
  name(id: string): string;
  /** Why a stream of this camera failed, if one did. */
  streamError(id: string): string | undefined;
}

export interface CamerasOptions {
  /** The video gateway (infrastructure): the cameras feature tells it which cameras exist. */
  gateway: StreamGateway;
  alarms: AlarmService;
  /** A watched camera offline this long raises a camera-offline alarm. */
  offlineAlarmMs?: number | undefined;
}

/** Cameras and their streams: camera management over the site file, the wall's stream methods, offline alarms. */
export function createCameras(
  infra: Infrastructure,
  o: CamerasOptions,
): Feature<typeof cameraMethods, CamerasService> {
  const { db, clock, bus, site } = infra;
  const { gateway } = o;
  const registry = new CameraRegistry(db, site);
  const engine = new CameraOfflineEngine({
    infra,
    alarms: o.alarms,
    registry,
    gateway,
    thresholdMs: o.offlineAlarmMs ?? 60_000,
  });
  bus.on('streams.status', ({ streams }) => engine.streams(streams));

  const changed = async (cameraId: string) => {
    gateway.setCameras(registry.list());
    await gateway.reconfigure(cameraId);
    bus.emit('site.cameras', { cameras: registry.list().map(cameraView) });
  };
  const adminView = (c: Camera, origin: CameraAdminView['origin']): CameraAdminView => ({
    ...c,
    streams: {
      main: redactUrl(c.streams.main),
      ...(c.streams.sub ? { sub: redactUrl(c.streams.sub) } : {}),
    },
    ...(c.nvr ? { nvr: hideNvrSecret(c.nvr) } : {}),
    origin,
  });

  return {
    service: {
      list: () => registry.list(),
      find: (id) => registry.find(id),
      name: (id) => {
        const name = registry.find(id)?.name;
        return name ? pickText(name, 'zh-CN') : id;
      },
      streamError: (id) => gateway.statuses().find((x) => x.cameraId === id && x.error)?.error,
    },
    handlers: {
      'streams.endpoint': () => ({ url: gateway.url, token: gateway.token }),
      'streams.list': () => ({ streams: gateway.statuses() }),
      'streams.snapshot': ({ cameraId, profile, png }) => {
        if (!registry.find(cameraId))
          throw new ServiceError('not_found', `There is no camera "${cameraId}".`);
        return saveSnapshot(
          join(infra.dataDir, 'snapshots'),
          cameraId,
          profile,
          png,
          clock.now(),
          infra.disk,
        );
      },
      'cameras.list': () => ({
        cameras: registry
          .list()
          .map((c) =>
            adminView(
              c,
              site.cameras.some((s) => JSON.stringify(s) === JSON.stringify(c)) ? 'site' : 'console',
            ),
          ),
      }),
      'cameras.save': async (input, { session }) => {
        const saved = await registry.save(input, actorOf(session), clock.now());
        await changed(saved.id);
        return adminView(saved, 'console');
      },
      'cameras.remove': async ({ id }, { session }) => {
        await registry.remove(id, actorOf(session), clock.now());
        await changed(id);
        return { done: true as const };
      },
      'cameras.test': ({ url, transport, cameraId }) => {
        const previous = cameraId ? registry.find(cameraId)?.streams.main : undefined;
        return testConnection(
          gateway.ffmpeg.path,
          restoreCredentials(url, previous),
          transport,
          gateway.ffmpegMajor,
        );
      },
    },
    appliers: [],
    migrations: cameraMigrations,
    async start() {
      await registry.load();
      gateway.setCameras(registry.list());
      engine.start();
    },
    async stop() {
      engine.stop();
    },
  };
}
