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
  // e2e tests spawn the built server (dist/), which `npm test` builds first (pretest).
  watchPathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/data'],
};
