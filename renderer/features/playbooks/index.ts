/** The playbooks feature's public face: the incident's checklist, the duty tools (drills, playbooks, contacts). */
export { createPlaybooksStore, PlaybooksContext, usePlaybooks, type PlaybooksStore } from './store';
export { DutyTools } from './DutyTools';
export { IncidentPlaybooks } from './IncidentPlaybooks';
