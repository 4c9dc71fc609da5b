/** Unit tests run on the TypeScript sources; e2e tests drive the real Pulumi CLI against the emulator. */
// The secret sweep's directory is fixed here, in the main process, before any worker starts.
require("./tests/sweep/dir").sweepDir();
const common = {
  preset: "ts-jest",
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  // Records every text and secret of each test file for the secret sweep (tests/sweep).
  setupFilesAfterEnv: ["<rootDir>/tests/sweep/record.ts"],
};
module.exports = {
  reporters: ["default", "<rootDir>/tests/summary-reporter.js", "<rootDir>/tests/sweep/reporter.js"],
  projects: [
    // Unit tests import the package by name from its sources, so they never read a stale dist/.
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/tests/unit/**/*.test.ts"],
      moduleNameMapper: { "^pulumi-basip$": "<rootDir>/provider/index.ts", "^pulumi-basip/emulator$": "<rootDir>/emulator/index.ts", "^pulumi-basip/fleet$": "<rootDir>/fleet/index.ts" },
    },
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/tests/e2e/**/*.test.ts"] },
  ],
};
