import type { StreamStatus } from '../../../shared/contract';
import type { AlarmService } from '../alarms';
import type { Infrastructure } from '../feature';
import type { StreamGateway } from '../streams/gateway';
import type { CameraRegistry } from './registry';

/** The console's own engine: a watched camera offline longer than the threshold becomes an alarm. */
export class CameraOfflineEngine {
  private readonly offlineSince = new Map<string, number>();
  /** `${cameraId}:${offlineSince}`: one alarm per outage, however long it lasts. */
  private readonly raisedFor = new Set<string>();
  private timer: unknown;

  constructor(
    private readonly o: {
      infra: Infrastructure;
      alarms: AlarmService;
      registry: CameraRegistry;
      gateway: StreamGateway;
      thresholdMs: number;
    },
  ) {}

  streams(streams: StreamStatus[]): void {
    for (const s of streams) {
      if (s.state === 'offline' && s.offlineSince) this.offlineSince.set(s.cameraId, s.offlineSince);
      else if (s.state === 'live') this.offlineSince.delete(s.cameraId);
    }
  }

  start(): void {
    this.timer = this.o.infra.clock.setInterval(() => this.check(), 5000);
  }

  stop(): void {
    this.o.infra.clock.clearInterval(this.timer);
  }

  private check(): void {
    const { db, clock, log } = this.o.infra;
    for (const [cameraId, since] of this.offlineSince) {
      const key = `${cameraId}:${since}`;
      if (this.raisedFor.has(key) || clock.now() - since < this.o.thresholdMs) continue;
      this.raisedFor.add(key);
      const camera = this.o.registry.find(cameraId);
      void db
        .transaction((trx) =>
          this.o.alarms.receive(trx, {
            source: 'engine',
            sourceId: `camera-offline:${key}`,
            deviceId: `camera:${cameraId}`,
            type: 'camera_offline',
            zone: camera?.zone,
            location: camera?.position,
            cameras: [cameraId],
            raisedAt: since,
            text: this.o.gateway.statuses().find((x) => x.cameraId === cameraId)?.error,
          }),
        )
        .catch((err: Error) => log.error('camera offline alarm failed', { error: err.message }));
    }
  }
}
