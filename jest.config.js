/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  setupFiles: ['<rootDir>/test/support/jest-env.ts'],
  testSequencer: '<rootDir>/test/support/sequencer.js',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  // Each test file runs its own stack (dynalite, the fake shop, the interpreter; each function in a worker thread): two files at a time
  // keep both cores of a CI machine busy. Set JEST_WORKERS=1 to run them one at a time.
  maxWorkers: Number(process.env.JEST_WORKERS ?? 2),
  // End-to-end tests run thousands of orders through dynalite: generous, so a loaded machine is not a failure.
  testTimeout: 120_000,
};
