import type { z } from 'zod';
import { alarmMethods } from './alarms';
import { cameraMethods } from './cameras';
import { dutyMethods } from './duty';
import { facilityMethods } from './facilities';
import { guardMethods } from './guards';
import { operatorMethods } from './operators';
import { playbookMethods } from './playbooks';
import { postMethods } from './posts';
import { prefMethods } from './prefs';
import { recordingMethods } from './recordings';
import { reportMethods } from './reports';
import { shiftMethods } from './shift';
import { systemMethods } from './system';
import { trainingMethods } from './training';
import { vehicleMethods } from './vehicles';

/**
 * Every method the renderer may call, gathered from each feature's contract file. Names are `area.verb`;
 * `role` is the lowest role allowed and the core router enforces it for every carrier.
 */
export const methods = {
  ...systemMethods,
  ...operatorMethods,
  ...alarmMethods,
  ...cameraMethods,
  ...guardMethods,
  ...playbookMethods,
  ...dutyMethods,
  ...shiftMethods,
  ...prefMethods,
  ...recordingMethods,
  ...facilityMethods,
  ...vehicleMethods,
  ...reportMethods,
  ...trainingMethods,
  ...postMethods,
};

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
