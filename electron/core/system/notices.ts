import type { Notice, NoticeParams } from '../../../shared/contract';
import type { Notify } from '../feature';
import type { EventBus } from '../util/bus';
import type { Clock } from '../../common/clock';

const KEEP = 200;
/** Repeats further apart than this start a new notice: a problem that went away and came back is news again. */
const FOLD_WINDOW_MS = 10 * 60_000;

export interface NoticeOptions {
  /** For the renderer's words (`notices.codes.<code>` in shared/i18n); `message` stays English. */
  params?: NoticeParams | undefined;
  /**
   * Repeats with this key within the window fold into one notice with a count, for a problem that can recur
   * many times a minute (refused hub events). Absent: the notice stands alone, as every notice did before.
   */
  fold?: string | undefined;
}

/**
 * Messages from the core to the operator (database restored, hub refused us, a port taken...): each is pushed
 * at once and the latest are kept for a window that opens later. Created before the features, which get its
 * `notify`, and before the hub link, which reports its problems here. A folded repeat goes out with the id of
 * the notice it repeats, so a renderer replaces that notice instead of stacking another.
 */
export class NoticeBuffer {
  private readonly notices: Notice[] = [];
  /** The fold key of each notice that has one, by id. */
  private readonly folds = new Map<string, string>();
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly o: { keep?: number; foldWindowMs?: number } = {},
  ) {}

  readonly notify: Notify = (level, code, message, options: NoticeOptions = {}) => {
    const now = this.clock.now();
    const key = options.fold;
    const index = key === undefined ? -1 : this.notices.findLastIndex((n) => this.foldOf(n) === key);
    const previous = index >= 0 ? this.notices[index] : undefined;
    const params = options.params ? { params: options.params } : {};
    let notice: Notice;
    if (previous?.id && now - previous.at <= (this.o.foldWindowMs ?? FOLD_WINDOW_MS)) {
      // The latest thing that happened: it moves to the end, with the worse of the two levels.
      this.notices.splice(index, 1);
      notice = {
        ...previous,
        level: worse(previous.level, level),
        message,
        ...params,
        count: (previous.count ?? 1) + 1,
        firstAt: previous.firstAt ?? previous.at,
        at: now,
      };
    } else {
      this.seq += 1;
      notice = { id: `n${this.seq}`, level, code, message, ...params, at: now };
      if (key !== undefined) this.folds.set(notice.id!, key);
    }
    this.notices.push(notice);
    while (this.notices.length > (this.o.keep ?? KEEP)) {
      const dropped = this.notices.shift();
      if (dropped?.id) this.folds.delete(dropped.id);
    }
    this.bus.emit('notice', notice);
  };

  recent(): Notice[] {
    return [...this.notices];
  }

  private foldOf(n: Notice): string | undefined {
    return n.id === undefined ? undefined : this.folds.get(n.id);
  }
}

const RANK: Record<Notice['level'], number> = { info: 0, warning: 1, error: 2 };

function worse(a: Notice['level'], b: Notice['level']): Notice['level'] {
  return RANK[a] >= RANK[b] ? a : b;
}
