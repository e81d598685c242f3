/** The console core's public face: electron/main, the web host and the tests import from here. */
export { createConsoleCore, type ConsoleCore } from './compose';
export type { ConsoleConfig, EmbeddedHubHandle, EmbeddedHubStarter } from './config';
export { PRODUCT, VERSION } from './system';
