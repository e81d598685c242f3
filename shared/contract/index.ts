export * from './common';
export * from './methods';
export * from './events';
export * from './views';
export * from './hub';
export * from './wire';
export * from './client';
export * from './alarms';
