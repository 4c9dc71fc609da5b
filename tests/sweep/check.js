/**
 * The secret sweep's check, pure: given the records every test worker wrote (secrets seen and texts
 * produced), the texts that contain a secret. A hit is described without the secret itself, so the
 * sweep's own report cannot leak what it found.
 */
const fs = require("fs");
const path = require("path");

/** Secrets shorter than this are not searched (a one-letter SIP password would match everything). */
const MIN_SECRET = 6;

/** Reads every `*.jsonl` record file of a sweep directory. */
function readRecords(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l)),
    );
}

/** `{secret}` and `{source, file, text}` records -> one hit per text holding a secret (hex secrets in any case). */
function findHits(records) {
  const secrets = [...new Set(records.filter((r) => typeof r.secret === "string" && r.secret.length >= MIN_SECRET).map((r) => r.secret.toLowerCase()))];
  const hits = [];
  for (const r of records) {
    if (typeof r.text !== "string") continue;
    const lower = r.text.toLowerCase();
    for (const s of secrets) {
      const at = lower.indexOf(s);
      if (at < 0) continue;
      const around = r.text.slice(Math.max(0, at - 60), at + s.length + 60).split(r.text.substr(at, s.length)).join("<SECRET>");
      hits.push({ source: r.source, file: r.file, secretLength: s.length, context: around.replace(/\s+/g, " ") });
      break;
    }
  }
  return hits;
}

module.exports = { MIN_SECRET, readRecords, findHits };
