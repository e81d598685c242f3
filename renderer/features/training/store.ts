import { createStore } from '../../api/store';

/** Whether the training view is open (the operator menu's 培训与证书). */
export const trainingOpen = createStore(false);

export function openTraining(): void {
  trainingOpen.set(true);
}

export function closeTraining(): void {
  trainingOpen.set(false);
}
