/** Unit tests run on the TypeScript sources; e2e tests drive the real Pulumi CLI against the emulator. */
const common = { preset: "ts-jest", testEnvironment: "node", transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] } };
module.exports = {
  reporters: ["default", "<rootDir>/tests/summary-reporter.js"],
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
