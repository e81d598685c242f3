/** The shift feature's public face: who is on duty, and the handover. */
export { createShiftStore, ShiftContext, useShift, type ShiftStore } from './store';
export { HandoverDialog } from './HandoverDialog';
