/**
 * A plain JavaScript Pulumi program, as a user without TypeScript writes it: nothing checks the
 * argument names before `pulumi preview`. It misspells `registrationInterval`, `timeoutMs` inside
 * `device`, `userId` on the second account, and a password key whose value must never be printed.
 * Used by tests/e2e/inputs.test.ts through the Automation API.
 */
const pulumi = require("@pulumi/pulumi");
const basip = require("pulumi-basip");

/** The inline program; `typoPassword` is the value of the misspelt password key. */
module.exports = function misspeltProgram() {
  const cfg = new pulumi.Config();
  const device = { endpoint: cfg.require("endpoint"), password: cfg.requireSecret("adminPassword"), timout: 5000 };
  new basip.SipAccount("lobby", {
    device,
    proxy: "sip:pbx.example.com",
    realm: "pbx.example.com",
    user: "1001",
    password: cfg.requireSecret("sip"),
    stun: { ip: "stun.example.com", port: 3478 },
    registrationIntreval: 60,
    pasword: cfg.require("typoPassword"),
  });
  new basip.SecondSipAccount("lobby-backup", {
    device: { endpoint: cfg.require("endpoint"), password: cfg.requireSecret("adminPassword") },
    proxy: "sip:pbx2.example.com",
    realm: "pbx2.example.com",
    user: "1002",
    password: cfg.requireSecret("sip"),
    userid: "1002",
  });
};
