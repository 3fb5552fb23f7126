/** One jest run covers every kind of test; the kind is in the file name
 * (*.unit.test.ts, *.int.test.ts, *.api.test.ts, *.e2e.test.ts). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 20000,
  // A worker that holds more than this after a test file is replaced by a fresh one, so memory a
  // file leaves behind (module registries, native SQLite caches) does not add up over the run.
  workerIdleMemoryLimit: '1GB',
  // Every core: the main jest process only schedules (the default leaves one core to it).
  maxWorkers: '100%',
  // e2e tests spawn the built server (dist/), which `npm test` builds first (pretest).
  watchPathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/data'],
};
