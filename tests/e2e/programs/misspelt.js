/**
 * Plain JavaScript Pulumi programs, as a user without TypeScript writes them: nothing checks the
 * argument names before `pulumi preview`. The first misspells `registrationInterval`, `timeoutMs`
 * inside `device` and a password key whose value must never be printed; the second misspells
 * `userId`. Used by tests/e2e/inputs.test.ts through the Automation API (one resource per program,
 * because the engine stops at the first resource whose check fails).
 */
const pulumi = require("@pulumi/pulumi");
const basip = require("pulumi-basip");

function device(cfg) {
  return { endpoint: cfg.require("endpoint"), password: cfg.requireSecret("adminPassword") };
}

function sipAccount() {
  const cfg = new pulumi.Config();
  new basip.SipAccount("lobby", {
    device: { ...device(cfg), timout: 5000 },
    proxy: "sip:pbx.example.com",
    realm: "pbx.example.com",
    user: "1001",
    password: cfg.requireSecret("sip"),
    stun: { ip: "stun.example.com", port: 3478 },
    registrationIntreval: 60,
    pasword: cfg.require("typoPassword"),
  });
}

function secondSipAccount() {
  const cfg = new pulumi.Config();
  new basip.SecondSipAccount("lobby-backup", {
    device: device(cfg),
    proxy: "sip:pbx2.example.com",
    realm: "pbx2.example.com",
    user: "1002",
    password: cfg.requireSecret("sip"),
    userid: "1002",
  });
}

module.exports = { sipAccount, secondSipAccount };
