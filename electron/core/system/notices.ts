import type { Notice } from '../../../shared/contract';
import type { Notify } from '../feature';
import type { EventBus } from '../util/bus';
import type { Clock } from '../util/clock';

const KEEP = 200;

/**
 * Messages from the core to the operator (database restored, hub refused us, a port taken...): each is pushed
 * at once and the latest are kept for a window that opens later. Created before the features, which get its
 * `notify`, and before the hub link, which reports its problems here.
 */
export class NoticeBuffer {
  private readonly notices: Notice[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly bus: EventBus,
  ) {}

  readonly notify: Notify = (level, code, message, params) => {
    const notice: Notice = { level, code, message, at: this.clock.now(), ...(params ? { params } : {}) };
    this.notices.push(notice);
    if (this.notices.length > KEEP) this.notices.shift();
    this.bus.emit('notice', notice);
  };

  recent(): Notice[] {
    return [...this.notices];
  }
}
