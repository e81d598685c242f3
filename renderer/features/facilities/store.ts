import { createStore } from '../../api/store';

export type FacilitiesTab = 'ledger' | 'orders' | 'hazards' | 'rounds';

/** The facilities view when open: which tab, and the order or hazard whose detail is shown. */
export interface FacilitiesViewState {
  tab: FacilitiesTab;
  selected?: string | undefined;
}

export const facilitiesView = createStore<FacilitiesViewState | null>(null);

export function openFacilities(tab: FacilitiesTab = 'ledger', selected?: string): void {
  facilitiesView.set({ tab, selected });
}

export function closeFacilities(): void {
  facilitiesView.set(null);
}

/** The round being done at the desk (a video round or an inspection), over the facilities view. */
export const roundOpen = createStore<{ runId: string } | null>(null);
