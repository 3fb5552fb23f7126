export * from './profile-projector';
export * from './performance-projector';
export * from './queries';
