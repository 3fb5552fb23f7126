export * from './events';
export * from './decider';
export * from './errors';
export * from './password-rules';
export * from './portal-id';
