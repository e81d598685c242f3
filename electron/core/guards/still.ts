import type { Knex } from 'knex';
import type { GuardPosition } from '../../../shared/contract';
import { distanceM, type LatLon } from '../../../shared/domain/geo';
import type { GuardDuty } from '../../../shared/domain/guards';
import type { SiteFile } from '../../../shared/domain/site';
import { pickText } from '../../../shared/domain/text';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import type { AlarmService } from '../alarms';

interface Still {
  anchor: LatLon;
  since: number;
  raised: boolean;
}

export interface StillWatchOptions {
  db: Knex;
  site: SiteFile;
  alarms: AlarmService;
  clock: Clock;
  log: Logger;
  settings: { stillRadiusM: number; staleMs: number; noMovementMs: number };
  /** The guard's last believed position and his duty, as the guards service holds them. */
  last(guardId: string): GuardPosition | undefined;
  duty(guardId: string): GuardDuty;
}

/**
 * A guard at his fixed post (定点值守) stands still by design: within this of the post (a phone's fix in a gate booth
 * wanders tens of metres) he is not "not moving". Standing still anywhere else still raises the alarm.
 */
export const AT_POST_M = 60;

/** "No movement" while on duty: a guard standing still too long may be hurt, so it is a priority-1 alarm. */
export class StillWatch {
  private readonly still = new Map<string, Still>();
  /** The guards holding a fixed post this shift, with the post's position (the posts feature sets it). */
  postsHeld: (() => Promise<ReadonlyMap<string, LatLon>>) | undefined;

  constructor(private readonly o: StillWatchOptions) {}

  /** Standing still while on duty: start the clock when he stops, raise once per stop. */
  track(p: GuardPosition): void {
    const s = this.still.get(p.guardId);
    const radius = Math.max(this.o.settings.stillRadiusM, Math.min(p.accuracy ?? 0, 50));
    if (!s || distanceM(s.anchor, p.position) > radius) {
      this.still.set(p.guardId, { anchor: p.position, since: p.at, raised: false });
    }
  }

  /** Off patrol (sent somewhere, on scene, SOS) the clock starts again with his next position. */
  forget(guardId: string): void {
    this.still.delete(guardId);
  }

  async check(): Promise<void> {
    const now = this.o.clock.now();
    let posts: ReadonlyMap<string, LatLon> | undefined;
    for (const [guardId, s] of this.still) {
      const last = this.o.last(guardId);
      const duty = this.o.duty(guardId);
      // On scene he is meant to stand still; silent phones are "stale"/"offline", not "not moving".
      if (s.raised || duty === 'on_scene' || duty === 'sos' || !last) continue;
      if (now - last.at > this.o.settings.staleMs || now - s.since < this.o.settings.noMovementMs) continue;
      // Read once per check, and only when someone has stood still long enough to matter.
      posts ??= await this.postsHeld?.().catch((err: Error) => {
        this.o.log.warn('fixed posts not read for the no-movement check', { error: err.message });
        return undefined;
      });
      const post = posts?.get(guardId);
      if (post && distanceM(post, last.position) <= AT_POST_M) continue;
      s.raised = true;
      const guard = this.o.site.guards.find((g) => g.id === guardId)!;
      const minutes = Math.round((now - s.since) / 60_000);
      await this.o.db
        .transaction((trx) =>
          this.o.alarms.receive(trx, {
            source: 'engine',
            sourceId: `guard-still:${guardId}:${s.since}`,
            deviceId: `guard-still:${guardId}`,
            type: 'guard_no_movement',
            location: last.position,
            cameras: [],
            raisedAt: now,
            text: `${pickText(guard.name, 'zh-CN')} 已 ${minutes} 分钟未移动${guard.phone ? `，请电话确认 ☎ ${guard.phone}` : ''} / ${pickText(guard.name, 'en')} has not moved for ${minutes} min`,
          }),
        )
        .catch((err: Error) => this.o.log.error('no-movement alarm failed', { guardId, error: err.message }));
    }
  }
}
