export { DeploymentProfile } from './profile';
export * from './postiz-platform';
export * from './network/postiz-network';
export * from './data/postiz-data';
export * from './data/postiz-database';
export * from './data/postiz-cache';
export * from './data/postiz-uploads';
