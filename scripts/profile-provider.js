#!/usr/bin/env node
/**
 * `node scripts/profile-provider.js [--devices 400] [--latency 40] [--op up|preview|refresh] [--floor] [--no-profile] [--keep DIR]`:
 * where the dynamic-provider process spends its CPU during one `up` from empty (or a fresh `preview`,
 * or a `refresh` after an unprofiled `up`) with checkpoints skipped, against emulated devices (in a
 * process of their own, scripts/bench-emulator.js, as in the bench). The CLI starts the plugin
 * through `pulumi-resource-pulumi-nodejs`, so the profiler reaches it through NODE_OPTIONS in the
 * stack's environment (scripts/cpu-prof-hook.js; Node 20 refuses `--cpu-prof` there). Prints the
 * up's wall time, CPU time and peak RSS of the runner, CLI and provider processes, the provider's CPU
 * time by package and the functions with the most self time. `--floor` profiles the engine floor's trivial provider instead. Needs `npm run build`.
 */
/* global setInterval, clearInterval */
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { newLocalStack, pulumiBinDir } = require("../tests/support/local-engine");
const { ADMIN, SIP, basipProgram, floorProgram, parents, remoteEmulator } = require("./bench-lib");

const ROOT = path.resolve(__dirname, "..");

/** CPU seconds (user + system) and peak RSS of this process and of its `pulumi` CLI and provider plugin, sampled every 50 ms. */
function processSampler() {
  const tick = 100; // USER_HZ on Linux
  const seen = new Map();
  const roleOf = (pid, argv) => {
    if (pid === process.pid) return "runner (this process: the program)";
    if (argv.some((a) => a.endsWith("dynamic-provider/index.js"))) return "provider plugin";
    if (path.basename(argv[0] ?? "") === "pulumi") return "pulumi CLI (engine)";
    return undefined;
  };
  const sample = () => {
    const ppid = parents();
    const ours = (pid) => {
      for (let p = pid; p !== undefined && p > 1; p = ppid.get(p)) if (p === process.pid) return true;
      return false;
    };
    for (const p of [...ppid.keys()].filter(ours)) {
      try {
        const role = roleOf(Number(p), fs.readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0"));
        if (!role) continue;
        const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const cpu = (Number(f[11]) + Number(f[12])) / tick;
        const rss = Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
        const prev = seen.get(p);
        seen.set(p, { role, cpu, rssKb: Math.max(rss, prev?.rssKb ?? 0), cpu0: prev?.cpu0 ?? cpu });
      } catch {
        // the process ended between readdir and read
      }
    }
  };
  sample();
  const timer = setInterval(sample, 50);
  return () => {
    clearInterval(timer);
    sample();
    const byRole = new Map();
    for (const v of seen.values()) {
      const r = byRole.get(v.role) ?? { cpuS: 0, rssMb: 0 };
      r.cpuS += v.role.startsWith("runner") ? v.cpu - v.cpu0 : v.cpu;
      r.rssMb = Math.max(r.rssMb, Math.round(v.rssKb / 102.4) / 10);
      byRole.set(v.role, r);
    }
    return byRole;
  };
}

function parseArgs(argv) {
  const o = { devices: 400, latency: 40, op: "up", floor: false, keep: undefined, profile: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--devices") o.devices = Number(argv[++i]);
    else if (argv[i] === "--latency") o.latency = Number(argv[++i]);
    else if (argv[i] === "--floor") o.floor = true;
    else if (argv[i] === "--op" && ["up", "preview", "refresh"].includes(argv[i + 1])) o.op = argv[++i];
    else if (argv[i] === "--keep") o.keep = argv[++i];
    else if (argv[i] === "--no-profile") o.profile = false;
    else {
      console.error("usage: node scripts/profile-provider.js [--devices 400] [--latency 40] [--op up|preview|refresh] [--floor] [--no-profile] [--keep DIR]");
      process.exit(2);
    }
  }
  return o;
}

/** Which package a profiled function belongs to, from its script URL. */
function packageOf(url) {
  if (!url) return "(vm/program)";
  if (url.startsWith("node:") || !url.includes("/")) return "node internals";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf("node_modules/") >= 0 ? url.lastIndexOf("node_modules/") : 0));
  if (url.includes(`${path.sep}dist${path.sep}provider`) || url.includes("pulumi-basip")) return "pulumi-basip";
  return m ? m[1] : url;
}

/** Self time per node of a .cpuprofile, in ms. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, { node: n, ms: 0 }]));
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) byId.get(profile.samples[i]).ms += (dt[i] ?? 0) / 1000;
  return [...byId.values()];
}

function summarize(file) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  const times = selfTimes(profile);
  const byPackage = new Map();
  const byFunction = new Map();
  let total = 0;
  for (const { node, ms } of times) {
    const cf = node.callFrame;
    const special = ["(idle)", "(program)", "(garbage collector)"].includes(cf.functionName);
    const pkg = special ? cf.functionName : packageOf(cf.url);
    if (cf.functionName !== "(idle)") total += ms;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const key = `${cf.functionName || "(anonymous)"} ${cf.url ? `${cf.url.replace(ROOT, ".")}:${cf.lineNumber + 1}` : ""}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  const top = (m, k) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
  console.log(`\nprovider CPU (samples, not idle): ${Math.round(total)} ms; by package:`);
  for (const [k, v] of top(byPackage, 14)) console.log(`  ${String(Math.round(v)).padStart(7)} ms  ${k}`);
  console.log("functions with the most self time:");
  for (const [k, v] of top(byFunction, 25)) console.log(`  ${String(Math.round(v)).padStart(7)} ms  ${k}`);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  pulumiBinDir();
  const emu = await remoteEmulator(o.devices, o.latency);
  const profDir = o.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "basip-prof-"));
  fs.mkdirSync(profDir, { recursive: true });
  const { urls } = emu;
  const program = o.floor ? floorProgram(o.devices) : basipProgram(urls);
  const ls = await newLocalStack({ project: "basip-prof", name: o.floor ? "floor" : "basip", program, passphrase: "prof", config: { adminPassword: { value: ADMIN, secret: true }, sip: { value: SIP, secret: true } } });
  try {
    const env = ls.stack.workspace.envVars;
    env.PULUMI_SKIP_CHECKPOINTS = "true";
    if (o.op === "refresh") await ls.stack.up({ parallel: 2 * o.devices });
    if (o.profile) {
      env.NODE_OPTIONS = `--require ${path.join(__dirname, "cpu-prof-hook.js")}`;
      env.BASIP_CPU_PROF_DIR = profDir;
    }
    const stop = processSampler();
    const t0 = Date.now();
    await emu.clear();
    const emuCpu0 = (await emu.counts()).cpuS;
    if (o.op === "preview") await ls.stack.preview({ parallel: 2 * o.devices });
    else if (o.op === "refresh") await ls.stack.refresh({ parallel: 2 * o.devices });
    else await ls.stack.up({ parallel: 2 * o.devices });
    const ms = Date.now() - t0;
    const procs = stop();
    const { counts, cpuS: emuCpu } = await emu.counts();
    procs.set("emulator (its own process)", { cpuS: emuCpu - emuCpu0, rssMb: NaN });
    console.log(`device requests: ${JSON.stringify(counts)}`);
    console.log(`${o.op} of ${o.devices} ${o.floor ? "floor resources" : "SipAccounts"} (checkpoints skipped, profiler ${o.profile ? "on" : "off"}): ${ms} ms`);
    for (const [role, v] of procs) console.log(`  ${role}: CPU ${v.cpuS.toFixed(2)} s, peak RSS ${v.rssMb} MB`);
    delete env.NODE_OPTIONS;
    await ls.stack.destroy({ parallel: 2 * o.devices });
    if (!o.profile) return;
    const files = fs
      .readdirSync(profDir)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => path.join(profDir, f))
      .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
    if (files.length === 0) throw new Error(`no profile written to ${profDir}`);
    // `refresh` also ran an unprofiled up; the largest profile is the measured run's, as for the others.
    console.log(`profile: ${files[0]}`);
    summarize(files[0]);
  } finally {
    ls.dispose();
    await emu.stop();
    if (!o.keep) fs.rmSync(profDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e && e.stack ? e.stack : e);
    process.exit(1);
  },
);
