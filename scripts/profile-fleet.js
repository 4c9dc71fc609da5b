#!/usr/bin/env node
/**
 * `node scripts/profile-fleet.js [--fleet 3x30] [--ops preview,up,up]`: where a `basip-fleet` run
 * spends its time per site: every `pulumi` CLI process it spawns (version, stack select, the engine
 * runs, any query after them) with start, end and duration, and its own CPU, against emulated devices
 * in a process of their own, checkpoints skipped as in the bench. The second `up` is the no-change one.
 * Needs `npm run build`.
 */
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { localEngineEnv, pulumiBinDir } = require("../tests/support/local-engine");
const { ADMIN, SIP, PASSPHRASE, remoteEmulator } = require("./bench-lib");

const ROOT = path.resolve(__dirname, "..");

function parseArgs(argv) {
  const o = { sites: 3, perSite: 30, ops: ["preview", "up", "up"] };
  for (let i = 0; i < argv.length; i++) {
    const m = argv[i] === "--fleet" ? /^(\d+)x(\d+)$/.exec(argv[i + 1] ?? "") : undefined;
    if (m) [o.sites, o.perSite, i] = [Number(m[1]), Number(m[2]), i + 1];
    else if (argv[i] === "--ops") o.ops = argv[++i].split(",");
    else {
      console.error("usage: node scripts/profile-fleet.js [--fleet 3x30] [--ops preview,up,up]");
      process.exit(2);
    }
  }
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  pulumiBinDir();
  const emu = await remoteEmulator(o.sites * o.perSite);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-prof-fleet-"));
  try {
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    const lines = ["sites:"];
    for (let s = 0; s < o.sites; s++) {
      lines.push(`  s${s}:`, "    defaults:", "      sip: {proxy: sip:pbx.example.com, realm: pbx.example.com, stun: {ip: stun.example.com, port: 3478}, transport: udp, registrationInterval: 300}", "    devices:");
      for (let d = 0; d < o.perSite; d++) lines.push(`      - {name: s${s}-d${d}, endpoint: "${emu.urls[s * o.perSite + d]}", user: "${1000 + s * o.perSite + d}"}`);
    }
    fs.writeFileSync(path.join(dir, "inventory.yaml"), `${lines.join("\n")}\n`);
    fs.mkdirSync(path.join(dir, "state"));
    const env = { ...process.env, ...localEngineEnv(path.join(dir, "state"), PASSPHRASE), BASIP_ADMIN_PASSWORD: ADMIN, PULUMI_SKIP_CHECKPOINTS: "true", NODE_OPTIONS: `--require ${path.join(__dirname, "fleet-spawn-log.js")}` };
    for (let s = 0; s < o.sites; s++) env[`BASIP_SIP_PASSWORD_SITE_S${s}`] = SIP;
    for (const [i, op] of o.ops.entries()) {
      env.BASIP_SPAWN_LOG = path.join(dir, `${i}-${op}.log`);
      await emu.clear();
      const t0 = Date.now();
      const args = [path.join(ROOT, "dist/fleet/cli.js"), op, "--inventory", "inventory.yaml", "--concurrency", String(o.sites), "--parallel", String(2 * o.perSite)];
      const r = spawnSync(process.execPath, args, { cwd: dir, env, encoding: "utf8" });
      const { counts } = await emu.counts();
      console.log(`basip-fleet ${op} (${o.sites} x ${o.perSite}): ${Date.now() - t0} ms, exit ${r.status}, device requests ${JSON.stringify(counts)}`);
      const log = fs.existsSync(env.BASIP_SPAWN_LOG) ? fs.readFileSync(env.BASIP_SPAWN_LOG, "utf8") : "";
      console.log(log.split("\n").filter((l) => l.includes("pulumi") || l.includes("basip-fleet")).join("\n"));
      if (r.status !== 0) console.log(r.stdout.slice(-1500), r.stderr.slice(-1500));
    }
  } finally {
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e && e.stack ? e.stack : e);
    process.exit(1);
  },
);
