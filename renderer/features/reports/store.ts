import { createStore } from '../../api/store';

/** Whether the reports view is open (Alt+B or the top bar's button). */
export const reportsOpen = createStore(false);

export function openReports(): void {
  reportsOpen.set(true);
}

export function closeReports(): void {
  reportsOpen.set(false);
}
