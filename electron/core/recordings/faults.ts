import type { Knex } from 'knex';
import type { RetentionView } from '../../../shared/contract';
import type { AlarmService } from '../alarms';
import type { Camera } from '../cameras';

/** An alarm's text: English for the logs and CSV, both languages for the queue (it shows the operator's). */
export interface FaultWords {
  text: string;
  texts: { 'zh-CN': string; en: string };
}

const words = (zh: string, en: string): FaultWords => ({ text: en, texts: { 'zh-CN': zh, en } });

/**
 * A camera's own retention fault: kept too short, set too short (`projected` here: its retentionDays below its
 * required days), or its NVR not answering.
 */
export function retentionWords(
  fault: 'actual' | 'projected' | 'unreachable',
  days: number,
  required: number,
): FaultWords {
  if (fault === 'unreachable')
    return words(
      `录像留存无法核查：硬盘录像机无应答（要求留存不少于 ${required} 天）`,
      `Recording retention unknown: the NVR does not answer (at least ${required} days required)`,
    );
  return fault === 'actual'
    ? words(
        `录像留存不足：仅留存 ${days} 天，要求留存不少于 ${required} 天`,
        `Recording retention short: only ${days} days kept, at least ${required} required`,
      )
    : words(
        `录像留存设置不足：该摄像机设定留存 ${days} 天，要求留存不少于 ${required} 天`,
        `Recording retention set too short: this camera keeps ${days} days, at least ${required} required`,
      );
}

/** The one alarm for a recording disk too small for the days required (the cameras' projections). */
export const diskWords = (days: number, cameras: number): FaultWords =>
  words(
    `录像磁盘不足：按当前录像速度仅可保存 ${days} 天，${cameras} 台摄像机低于要求留存天数`,
    `Recording disk too small: at the current rate it holds ${days} days; ${cameras} cameras below their required days`,
  );

const retentionSource = (key: string) => `recording-retention:${key}`;

export const RECORDER_STOPPED = words(
  '录像中断：该摄像机已停止写入录像',
  'recording stopped: this camera has written no recording',
);
export const RECORDING_DISK_FULL = words(
  '录像磁盘空间不足，最早的录像已无法再腾出空间',
  'recording disk full: deleting old recordings cannot free enough space',
);

/**
 * The recordings' own device-fault alarms (a recorder that stopped, a disk retention cannot free, retention short):
 * each raised once per key while it lasts, restored when it is gone. The console's own alarms, through the alarm
 * feature like any other.
 */
export class FaultAlarms {
  /** Keys whose alarm is raised and not restored. */
  private readonly raised = new Set<string>();

  constructor(
    private readonly o: {
      db: Knex;
      alarms: AlarmService;
      find(cameraId: string): Camera | undefined;
    },
  ) {}

  /** Takes the retention faults still open from before a restart: they are not raised a second time. */
  async resume(): Promise<void> {
    for (const r of (await this.o
      .db('alarms')
      .where('device_id', 'like', 'retention:%')
      .whereNull('restored_at')
      .whereNot('state', 'resolved')
      .select('device_id')) as { device_id: string }[])
      this.raised.add(retentionSource(r.device_id.slice('retention:'.length)));
  }

  /** Raises the fault once per `sourceId` (a repeat of an open one is ignored), on the map where `place` is. */
  async raise(f: {
    deviceId: string;
    sourceId: string;
    at: number;
    words: FaultWords;
    cameras: string[];
    place?: string | undefined;
  }): Promise<void> {
    if (this.raised.has(f.sourceId)) return;
    this.raised.add(f.sourceId);
    const camera = f.place === undefined ? undefined : this.o.find(f.place);
    await this.o.db.transaction((trx) =>
      this.o.alarms.receive(trx, {
        source: 'engine',
        sourceId: f.sourceId,
        deviceId: f.deviceId,
        type: 'device_fault',
        zone: camera?.zone,
        location: camera?.position,
        cameras: f.cameras,
        raisedAt: f.at,
        ...f.words,
      }),
    );
  }

  /** `retention:<key>` raised while `words` says it is at fault, restored once it no longer is. */
  private async retention(
    key: string,
    at: number,
    words: FaultWords | undefined,
    cameras: string[],
    place?: string,
  ): Promise<void> {
    const deviceId = `retention:${key}`;
    const sourceId = retentionSource(key);
    if (words) return this.raise({ deviceId, sourceId, at, words, cameras, place });
    if (!this.raised.delete(sourceId)) return;
    await this.o.db.transaction((trx) => this.o.alarms.restore(trx, { deviceId, type: 'device_fault', at }));
  }

  /**
   * The retention check's alarms. A projection short because the disk is is one cause for every camera: one alarm
   * for the disk, not one each. A camera is at fault on its own when it was kept too short, its NVR does not
   * answer, or its own retentionDays are below its required days.
   */
  async fromRetention(view: RetentionView): Promise<void> {
    const diskShort = view.cameras.filter(
      (c) => c.fault === 'projected' && c.projectedDays !== null && c.projectedDays < c.retentionDays,
    );
    for (const c of view.cameras) {
      const fault = c.fault && !diskShort.includes(c) ? c.fault : null;
      const days = Math.floor(fault === 'actual' ? c.actualDays : (c.projectedDays ?? 0));
      await this.retention(
        c.cameraId,
        view.at,
        fault ? retentionWords(fault, days, c.requiredDays) : undefined,
        [c.cameraId],
        c.cameraId,
      );
    }
    const worst = Math.min(...diskShort.map((c) => c.projectedDays ?? 0));
    await this.retention(
      'disk',
      view.at,
      diskShort.length ? diskWords(Math.floor(worst), diskShort.length) : undefined,
      diskShort.slice(0, 8).map((c) => c.cameraId),
    );
  }
}
