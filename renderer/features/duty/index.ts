/** The duty feature's public face: the duty log and the top bar's duty corner. */
export { createDutyStore, DutyContext, useDuty, type DutyStore } from './store';
export { DutyLogDialog } from './DutyLogDialog';
export { DutyMenu } from './DutyMenu';
