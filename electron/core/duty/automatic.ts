import type { Knex } from 'knex';
import {
  NOTICE_DISK_FULL,
  NOTICE_DISK_LOW,
  NOTICE_DISK_RECOVERED,
  type ClockJump,
  type HubStatus,
  type Notice,
  type StreamStatus,
} from '../../../shared/contract';
import { MESSAGES } from '../../../shared/i18n';
import { formatStamp, spanParts } from '../../../shared/i18n/notices';
import type { InboxApplier } from '../hub-link/inbox';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { writeDutyLog } from './duty-log';

/**
 * The duty-log entries the console writes by itself for things no operator action causes: the hub link lost
 * and restored, cameras failing and recovering, devices reporting faults. Only changes are written: a camera
 * that stays offline for a night is two entries, not one per retry.
 */
export class AutomaticDutyEntries {
  private hubState: HubStatus['state'] | undefined;
  private lostAt: number | undefined;
  /** The hub address (and instance) the link was last connected to. */
  private onHub: { hub: string; instance: string | undefined } | undefined;
  /** cameraId → offline since (ms); a camera is offline when any of its watched streams is. */
  private cameraOffline = new Map<string, number>();
  private diskFullSince: number | undefined;

  constructor(
    private readonly o: {
      db: Knex;
      clock: Clock;
      log: Logger;
      cameraName(id: string): string;
    },
  ) {}

  private write(entry: Parameters<typeof writeDutyLog>[1]): void {
    void writeDutyLog(this.o.db, entry).catch((err: Error) =>
      this.o.log.error('duty log entry failed', { kind: entry.kind, error: err.message }),
    );
  }

  /** Connecting → connected at start is not news; losing an established link and getting it back is. */
  hubStatus(status: HubStatus): void {
    const was = this.hubState;
    this.hubState = status.state;
    const before = this.onHub;
    // The instance is known once the sync answered, which may come in a status after the one saying connected.
    if (status.state === 'connected')
      this.onHub = {
        hub: status.hub,
        instance: status.instance ?? (before?.hub === status.hub ? before.instance : undefined),
      };
    if (was === 'connected' && status.state !== 'connected') {
      this.lostAt = status.since;
      this.write({
        at: this.o.clock.now(),
        kind: 'hub_link',
        text: `lost: ${status.error ?? status.state} (${status.hub})`,
      });
    } else if (status.state === 'connected' && was !== 'connected' && this.lostAt !== undefined) {
      const seconds = Math.round((this.o.clock.now() - this.lostAt) / 1000);
      this.lostAt = undefined;
      // Another address of the list (hub-link/link.ts): the shift report shows where the desk went and when.
      if (before && before.hub !== status.hub) {
        const to = `${status.hub}${status.instance ? ` [${status.instance}]` : ''}`;
        const from = `${before.hub}${before.instance ? ` [${before.instance}]` : ''}`;
        this.write({
          at: this.o.clock.now(),
          kind: 'hub_link',
          text: `平台切换：${from} 无响应，${seconds} 秒后改连 ${to} · failover: ${from} stopped answering; moved to ${to} after ${seconds} s`,
        });
        return;
      }
      this.write({
        at: this.o.clock.now(),
        kind: 'hub_link',
        text: `restored after ${seconds} s (${status.hub})`,
      });
    }
  }

  streams(streams: StreamStatus[]): void {
    const offlineNow = new Map<string, StreamStatus>();
    const liveNow = new Set<string>();
    for (const s of streams) {
      if (s.state === 'offline') offlineNow.set(s.cameraId, s);
      else if (s.state === 'live') liveNow.add(s.cameraId);
    }
    for (const [cameraId, s] of offlineNow) {
      if (this.cameraOffline.has(cameraId)) continue;
      this.cameraOffline.set(cameraId, s.offlineSince ?? this.o.clock.now());
      this.write({
        at: this.o.clock.now(),
        kind: 'camera',
        text: `${this.o.cameraName(cameraId)} offline${s.error ? `: ${s.error}` : ''}`,
        cameraId,
      });
    }
    for (const [cameraId, since] of this.cameraOffline) {
      if (offlineNow.has(cameraId) || !liveNow.has(cameraId)) continue;
      this.cameraOffline.delete(cameraId);
      const seconds = Math.round((this.o.clock.now() - since) / 1000);
      this.write({
        at: this.o.clock.now(),
        kind: 'camera',
        text: `${this.o.cameraName(cameraId)} back online after ${seconds} s`,
        cameraId,
      });
    }
  }

  /** The wall clock was stepped: when, by how much, and that the queue and the response clocks held. */
  clockJumped(jump: ClockJump): void {
    const { unit, n } = spanParts(jump.deltaMs);
    const amount = (locale: 'zh-CN' | 'en') =>
      MESSAGES[locale].notices.span[unit].replace('{{n}}', String(n));
    const span = `${formatStamp(jump.from)} → ${formatStamp(jump.to)}`;
    const forwards = jump.deltaMs > 0;
    this.write({
      at: jump.to,
      kind: 'clock_jump',
      text:
        `系统时间跳变：${forwards ? '向前跳了' : '向后退了'} ${amount('zh-CN')}（${span}），报警顺序与响应计时不受影响` +
        ` · system clock ${forwards ? 'jumped forward' : 'went back'} ${amount('en')} (${span}); alarm order and response times unaffected`,
    });
  }

  /** The disk filling up and freed again (an entry written while it is full may itself be lost: the log has it). */
  disk(notice: Notice): void {
    const free = `${Number(notice.params?.freeMb)} MB`;
    if (notice.code === NOTICE_DISK_FULL) {
      this.diskFullSince ??= notice.at;
      this.write({
        at: notice.at,
        kind: 'disk',
        text: `磁盘已满（剩余 ${free}） · disk full (${free} free)`,
      });
    } else if (notice.code === NOTICE_DISK_LOW) {
      this.write({
        at: notice.at,
        kind: 'disk',
        text: `磁盘空间不足（剩余 ${free}），已清理可清理的文件 · disk space low (${free} free); what could give way was removed`,
      });
    } else if (notice.code === NOTICE_DISK_RECOVERED) {
      const since = this.diskFullSince;
      this.diskFullSince = undefined;
      this.write({
        at: notice.at,
        kind: 'disk',
        text:
          `磁盘空间已恢复（剩余 ${free}）${since ? `，磁盘自 ${formatStamp(since)} 起已满` : ''}` +
          ` · disk space back (${free} free)${since ? `; it was full from ${formatStamp(since)}` : ''}`,
      });
    }
  }

  offlineCameras(): Array<{ id: string; since: number }> {
    return [...this.cameraOffline].map(([id, since]) => ({ id, since }));
  }

  /** Device faults and recoveries commit with the hub event itself. */
  readonly deviceApplier: InboxApplier = async (trx, event) => {
    if (event.kind !== 'device') return;
    const d = event.data;
    const previous = (await trx('hub_events')
      // A literal kind, so SQLite can use the partial index hub_events_device.
      .whereRaw("kind = 'device'")
      .andWhere('seq', '<', event.seq)
      .whereRaw("json_extract(body, '$.deviceId') = ?", [d.deviceId])
      .orderBy('seq', 'desc')
      .first('body')) as { body: string } | undefined;
    const before = previous ? (JSON.parse(previous.body) as { state: string }).state : 'ok';
    if (before === d.state) return;
    await writeDutyLog(trx, {
      at: d.at,
      kind: 'device',
      text: `${d.deviceId} (${d.kind}${d.zone ? `, ${d.zone}` : ''}) ${d.state === 'ok' ? `recovered from ${before}` : d.state}${d.text ? `: ${d.text}` : ''}`,
    });
  };
}
