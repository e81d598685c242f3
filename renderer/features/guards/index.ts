/**
 * The guards feature's public face: the site map with guards and patrols, who can be sent where, and the phones
 * allowed to report positions.
 */
export { createGuardsStore, GuardsContext, useGuards, type GuardsStore } from './store';
export { DispatchSection } from './DispatchSection';
export { GUARD_COLOURS } from './icons';
export { PatrolSummary } from './PatrolSummary';
export { PhonesDialog } from './PhonesDialog';
export { SiteMap } from './SiteMap';
