export * from './plan';
export * from './projector';
export * from './queries';
export * from './sync-range';
export * from './mobile-sync-projector';
export * from './mobile-sync-queries';
