export * from './bucket';
export * from './content-type';
export * from './dates';
export * from './local-files';
export * from './log';
export * from './replicate';
export * from './retry';
