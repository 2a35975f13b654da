/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking runs once, in `npm run typecheck`; jest only transpiles, which keeps it fast.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json', diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^cdk-ivs$': '<rootDir>/lib/index.ts', '^cdk-ivs/playback-token$': '<rootDir>/lib/playback-token.ts' },
  // Harness and e2e tests deploy stacks; on a loaded 2-core CI machine that can exceed jest's 5 s default.
  testTimeout: 60_000,
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  collectCoverage: true,
  collectCoverageFrom: ['lib/**/*.ts', 'lambda/**/*.ts', '!lib/**/*.d.ts', '!lib/generated/**'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: {
    './lib/': { lines: 90 },
    './lambda/': { lines: 90 },
  },
};
