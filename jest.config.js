/**
 * Three projects: `unit` (pure: no sockets, no subprocesses; `npm run test:unit`, the fast loop),
 * `integration` (sockets and subprocesses: the emulator, the client against it, hostile panels, fuzz
 * over HTTP, the CLIs run as processes) and `e2e` (the real Pulumi CLI on dist/).
 */
// The secret sweep's directory is fixed here, in the main process, before any worker starts.
require("./tests/sweep/dir").sweepDir();
const common = {
  preset: "ts-jest",
  testEnvironment: "node",
  // Transpile only: type errors are tsc's job (`npm run typecheck`), and a type program per worker
  // cost seconds per test file.
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tests/tsconfig.jest.json", diagnostics: false }] },
  // Records every text and secret of each test file for the secret sweep (tests/sweep).
  setupFilesAfterEnv: ["<rootDir>/tests/sweep/record.ts"],
};
// Unit and integration tests import the package by name from its sources, so they never read a stale dist/.
const sources = {
  "^pulumi-basip$": "<rootDir>/provider/index.ts",
  "^pulumi-basip/emulator$": "<rootDir>/emulator/index.ts",
  "^pulumi-basip/fleet$": "<rootDir>/fleet/index.ts",
};
module.exports = {
  // Jest's default is one worker per core but one: a single worker on 2 cores. The e2e files mostly
  // wait on the CLI and its plugins, so two of them side by side fill the idle time (measured on a
  // quiet 2-core machine: review + failures 135 s one after the other, 107 s side by side).
  maxWorkers: Math.max(2, require("os").availableParallelism() - 1),
  reporters: ["default", "<rootDir>/tests/summary-reporter.js", "<rootDir>/tests/sweep/reporter.js"],
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"], moduleNameMapper: sources },
    { ...common, displayName: "integration", testMatch: ["<rootDir>/tests/integration/**/*.test.ts"], moduleNameMapper: sources },
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/tests/e2e/**/*.test.ts"] },
  ],
};
