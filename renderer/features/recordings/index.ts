/** The recordings feature's public face: the "back 30 s" button and the replay player it opens. */
export { ReplayButton } from './ReplayButton';
export { ReplayPlayer } from './ReplayPlayer';
export { openReplay, closeReplay } from './store';
