/** The cameras feature's public face: the wall, a tile to show a camera elsewhere, and its pictures on demand. */
export { CamerasContext, createCamerasStore, streamKey, useCameras, type CamerasStore } from './store';
export { CameraTile } from './CameraTile';
export { CameraWall } from './CameraWall';
