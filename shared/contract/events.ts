import type { z } from 'zod';
import { alarmEvents } from './alarms';
import { cameraEvents } from './cameras';
import { dutyEvents } from './duty';
import { facilityEvents } from './facilities';
import { guardEvents } from './guards';
import { operatorEvents } from './operators';
import { playbookEvents } from './playbooks';
import { postEvents } from './posts';
import { prefEvents } from './prefs';
import { recordingEvents } from './recordings';
import { shiftEvents } from './shift';
import { systemEvents } from './system';
import { trainingEvents } from './training';
import { vehicleEvents } from './vehicles';

/**
 * Everything the core pushes to renderers, gathered from each feature's contract file. High-rate topics are
 * batched by the core before sending.
 */
export const events = {
  ...systemEvents,
  ...operatorEvents,
  ...alarmEvents,
  ...cameraEvents,
  ...guardEvents,
  ...playbookEvents,
  ...dutyEvents,
  ...shiftEvents,
  ...prefEvents,
  ...recordingEvents,
  ...facilityEvents,
  ...vehicleEvents,
  ...trainingEvents,
  ...postEvents,
};

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
