import { z } from 'zod';
import { AlarmView, DisasterMode } from './alarms';
import { dutyEvents } from './duty';
import { guardEvents } from './guards';
import { playbookEvents } from './playbooks';
import { CameraView, HubStatus, Notice, StoredHubEvent, StreamStatus } from './views';

/** Everything the core pushes to renderers. High-rate topics are batched by the core before sending. */
export const events = {
  'hub.status': HubStatus,
  'hub.event': StoredHubEvent,
  ...guardEvents,
  notice: Notice,
  /** The camera list changed (a supervisor added, edited or removed one). */
  'site.cameras': z.object({ cameras: z.array(CameraView) }),
  /** Alarms that changed (new, re-triggered, state, escalation), batched a few times a second. */
  'alarms.changed': z.object({ alarms: z.array(AlarmView) }),
  /** An unacknowledged alarm passed its target: the supervisor must see it. */
  'alarms.escalated': z.object({ alarm: AlarmView, at: z.number().int() }),
  'alarms.disaster': DisasterMode,
  'alarms.muted': z.object({ until: z.number().int(), reason: z.string(), by: z.string() }),
  /** Every watched stream, at most once a second, and at once on a state change. */
  'streams.status': z.object({ streams: z.array(StreamStatus) }),
  ...playbookEvents,
  ...dutyEvents,
};

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
