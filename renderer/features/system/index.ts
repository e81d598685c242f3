/** The system feature's public face: the console itself (core link, site, hub, its events, notices). */
export { createSystemStore, SystemContext, useSystem, type SystemStore } from './store';
export { HubStatus } from './HubStatus';
export { EquipmentDialog } from './EquipmentDialog';
export { Notices } from './Notices';
export { ZoneSelect } from './ZoneSelect';
