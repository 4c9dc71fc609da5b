/**
 * Fails the run when any text the tests produced (console output, stderr writes, messages of the
 * package's errors, the Pulumi CLI's output, emulator log lines; recorded by `record.ts`) contains
 * a test secret (admin passwords and their MD5, SIP passwords written to a device, tokens issued).
 */
const fs = require("fs");
const { findHits, readRecords } = require("./check");
const { sweepDir } = require("./dir");

class SecretSweepReporter {
  constructor() {
    this.error = undefined;
  }

  onRunStart() {
    fs.rmSync(sweepDir(), { recursive: true, force: true });
    fs.mkdirSync(sweepDir(), { recursive: true });
  }

  onRunComplete() {
    const records = readRecords(sweepDir());
    const texts = records.filter((r) => typeof r.text === "string").length;
    const secrets = new Set(records.filter((r) => typeof r.secret === "string").map((r) => r.secret)).size;
    const hits = findHits(records);
    if (hits.length === 0) {
      process.stdout.write(`secret sweep: ${texts} texts checked against ${secrets} secrets, no hit\n`);
      fs.rmSync(sweepDir(), { recursive: true, force: true });
      return;
    }
    const lines = hits.slice(0, 20).map((h) => `  ${h.source} in ${h.file}: ...${h.context}...`);
    process.stdout.write(`secret sweep: ${hits.length} text(s) contain a test secret (records kept in ${sweepDir()}):\n${lines.join("\n")}\n`);
    this.error = new Error(`secret sweep: ${hits.length} text(s) contain a test secret`);
  }

  getLastError() {
    return this.error;
  }
}

module.exports = SecretSweepReporter;
