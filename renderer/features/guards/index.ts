/** The guards feature's public face: the site map with guards and patrols, and who can be sent where. */
export { createGuardsStore, GuardsContext, useGuards, type GuardsStore } from './store';
export { DispatchSection } from './DispatchSection';
export { GUARD_COLOURS } from './icons';
export { PatrolSummary } from './PatrolSummary';
export { SiteMap } from './SiteMap';
