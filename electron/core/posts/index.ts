import type { postMethods } from '../../../shared/contract';
import { nextGuardShift } from '../../../shared/domain/posts';
import { actorOf } from '../actor';
import type { AlarmService } from '../alarms';
import type { Feature, Infrastructure } from '../feature';
import { ParkingCountsBook } from './counts';
import { demoHolidays, demoParkingCounts, demoPostGuards } from './demo';
import { postsMigration } from './migration';
import { Posts, type GuardsOnDuty } from './service';

export { UNMANNED_ALARM, postDevice, type GuardsOnDuty } from './service';

/** Migration 28: every table of the feature. */
export const postMigrations = [postsMigration] as const;

export interface PostsService {
  posts: Posts;
  counts: ParkingCountsBook;
}

export interface PostsOptions {
  alarms: AlarmService;
  guards: GuardsOnDuty;
  /** The demo site: its holidays, its guards at their posts, a fortnight of patrol counts. */
  demo: boolean;
  /** How often the posts are checked against the running peaks (and the board pushed when it changed). */
  checkMs?: number | undefined;
}

/**
 * Fixed posts and peaks, and the patrol parking counts (issue 17): see README.md for why they are one feature.
 */
export function createPosts(
  infra: Infrastructure,
  o: PostsOptions,
): Feature<typeof postMethods, PostsService> {
  const { db, clock, ids, site, bus, log } = infra;
  const posts = new Posts({ db, clock, site, alarms: o.alarms, guards: o.guards });
  // A guard at the post he holds is not "not moving" (the guards feature is created first, so it is told here).
  o.guards.still.postsHeld = () => posts.postsHeld();
  const counts = new ParkingCountsBook({ db, clock, ids, site });
  let timer: unknown;
  let last = '';
  let ticking: Promise<unknown> | undefined;
  /**
   * Checks the posts and pushes the board the check leaves when it differs from the last one pushed (a guard's phone,
   * a peak, an assignment): the timer's tick and each change alike.
   */
  const checkAndPush = async () => {
    const board = await posts.check();
    const text = JSON.stringify(board);
    if (text !== last) {
      last = text;
      bus.emit('posts.changed', board);
    }
    return board;
  };

  return {
    service: { posts, counts },
    handlers: {
      'posts.board': () => posts.board(),
      'posts.assign': async ({ postId, shift, guardId }, { session }) => {
        await posts.assign(postId, shift, guardId, actorOf(session));
        return checkAndPush();
      },
      'holidays.save': async (input, { session }) => {
        await posts.saveHoliday(input, actorOf(session));
        return checkAndPush();
      },
      'holidays.remove': async ({ date }, { session }) => {
        await posts.removeHoliday(date, actorOf(session));
        return checkAndPush();
      },
      'parking.counts': () => counts.today(),
      'parking.record': (input, { session }) => counts.record(input, actorOf(session)),
    },
    appliers: [],
    migrations: postMigrations,
    async start() {
      await posts.load();
      if (o.demo) {
        const now = clock.now();
        await posts.seedHolidays(demoHolidays(now, site.timeZone));
        // The demo's guards stand at the posts this shift and the next (the supervisor plans the ones after).
        const shift = posts.shiftAt(now);
        const byPost = demoPostGuards(site);
        await posts.seedAssignments(shift.key, byPost);
        await posts.seedAssignments(nextGuardShift(shift, site.timeZone, posts.bands).key, byPost);
        await counts.seed(demoParkingCounts(site, now));
      }
      timer = clock.setInterval(() => {
        ticking ??= checkAndPush()
          .catch((err: Error) => log.error('post check failed', { error: err.message }))
          .finally(() => (ticking = undefined));
      }, o.checkMs ?? 10_000);
    },
    async stop() {
      clock.clearInterval(timer);
      await ticking;
    },
  };
}
