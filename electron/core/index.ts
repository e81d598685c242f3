/** The console core's public face: electron/main, the web host and the tests import from here. */
export { createConsoleCore } from './compose';
export type { ConsoleCore } from './console-core';
export type { ConsoleConfig, EmbeddedHubHandle, EmbeddedHubStarter } from './config';
export { PRODUCT, VERSION } from './system';
