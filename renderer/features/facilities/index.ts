/**
 * The facilities feature's public face (issue 18): the top bar's button (Alt+F) with the ledger, work orders and
 * hazards view it opens, and the alarm detail's 报修 button.
 */
export { FacilitiesButton } from './FacilitiesButton';
export { WorkOrderButton } from './WorkOrderButton';
export { openFacilities, closeFacilities } from './store';
