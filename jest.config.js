/** Unit tests run on the TypeScript sources; e2e tests drive the real Pulumi CLI against the emulator. */
const common = { preset: "ts-jest", testEnvironment: "node", transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] } };
module.exports = {
  reporters: ["default", "<rootDir>/tests/summary-reporter.js"],
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/tests/e2e/**/*.test.ts"] },
  ],
};
