/**
 * The recordings feature's public face: the "back 30 s" button and the replay player it opens, the alarm detail's
 * evidence clips, the supervisor's retention view.
 */
export { ReplayButton } from './ReplayButton';
export { ReplayPlayer } from './ReplayPlayer';
export { openReplay, closeReplay } from './store';
export { EvidenceClips } from './EvidenceClips';
export { RetentionButton, RetentionDialog } from './RetentionDialog';
