export * from './events';
export * from './sla';
export * from './decider';
