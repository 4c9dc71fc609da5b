#!/usr/bin/env node
/**
 * `npm run bench [-- --sizes 10,100 | --quick]`: how fast and how lean `SipAccount` is with the real
 * Pulumi engine, against emulated devices that answer slowly and one request at a time
 * (`faults: {latencyMs: 40, serial: true}`), next to
 *   - the ENGINE FLOOR: as many trivial dynamic resources that do no I/O, same four operations;
 *   - a BASELINE: a sequential script making the same HTTP calls (login, GET, POST, GET per device).
 * Measured per size N: wall time of preview (fresh stack), up from empty, up with no change and
 * refresh; device requests per operation (emulator counters) beside the minimum; state bytes per
 * resource (`stack export`, compact JSON of one resource); peak RSS of the dynamic-provider process.
 * Then N = 1000 in one stack with PULUMI_SKIP_CHECKPOINTS=true, and 10 sites x 100 devices through
 * `basip-fleet`, against issue 14's targets (scripts/bench-scale.js).
 * Judges each figure against its target, then prints a table and writes bench-results/bench.json.
 * A script, not a test: a missed target is reported ("MISSED"), never an exit code.
 * Needs `npm run build` first (uses dist/).
 */
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { parseArgs } = require("util");
const { newLocalStack, pulumiBinDir } = require("../tests/support/local-engine");
const { LATENCY_MS, PASSPHRASE, ADMIN, SIP, basipProgram, floorProgram, remoteEmulator, measure, stateBytes, baseline } = require("./bench-lib");
const scale = require("./bench-scale");

const ROOT = path.resolve(__dirname, "..");

// ---- options ------------------------------------------------------------------------------------
const USAGE = "usage: node scripts/bench.js [--quick | --sizes 10,100] [--repeat 3] [--fast-sizes 1000] [--fast-repeat 1] [--fleet 10x100 | --fleet none]";

/** The command line, or an exit with the reason (2) or the usage (0, for --help). */
function options(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: "boolean", default: false },
        sizes: { type: "string" },
        repeat: { type: "string", default: "3" },
        "fast-sizes": { type: "string" },
        "fast-repeat": { type: "string", default: "1" },
        fleet: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const sizes = values.sizes !== undefined ? values.sizes.split(",").map(Number) : values.quick ? [10] : [10, 100];
  const repeat = Number(values.repeat);
  // Fast mode (checkpoints skipped) and the fleet through basip-fleet: skipped by --quick unless asked for.
  const fastText = values["fast-sizes"] ?? (values.quick ? "" : "1000");
  const fastSizes = fastText === "" || fastText === "none" ? [] : fastText.split(",").map(Number);
  const fastRepeat = Number(values["fast-repeat"]);
  const fleetText = values.fleet ?? (values.quick ? "none" : "10x100");
  const fleetMatch = /^(\d+)x(\d+)$/.exec(fleetText);
  if (fastSizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(fastRepeat) || fastRepeat < 1) {
    console.error("--fast-sizes takes positive integers or none, --fast-repeat a positive integer");
    process.exit(2);
  }
  if (fleetText !== "none" && (!fleetMatch || Number(fleetMatch[1]) < 1 || Number(fleetMatch[2]) < 1)) {
    console.error("--fleet takes SITESxDEVICES (e.g. 10x100) or none");
    process.exit(2);
  }
  const fleet = fleetMatch ? { sites: Number(fleetMatch[1]), perSite: Number(fleetMatch[2]) } : undefined;
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error("--sizes takes positive integers, e.g. --sizes 10,100");
    process.exit(2);
  }
  if (!Number.isInteger(repeat) || repeat < 1) {
    console.error("--repeat takes a positive integer");
    process.exit(2);
  }
  return { sizes, repeat, fastSizes, fastRepeat, fleet };
}

// ---- environment --------------------------------------------------------------------------------
function requireBuilt() {
  for (const f of ["dist/provider/index.js", "dist/emulator/index.js"]) {
    if (!fs.existsSync(path.join(ROOT, f))) {
      console.error(`${f} is missing: run \`npm run build\` first`);
      process.exit(1);
    }
  }
}

/** A fresh stack in a temp project whose node_modules is the repository's. */
function newStack(name, program, config) {
  return newLocalStack({ project: "basip-bench", name, program, config, passphrase: PASSPHRASE });
}

/** The fewest device requests each operation can make, with the argument for it. */
function minimum(n) {
  return {
    preview: { login: 0, read: 0, write: 0, total: 0 },
    up: { login: n, read: 2 * n, write: n, total: 4 * n },
    upNoChange: { login: 0, read: 0, write: 0, total: 0 },
    refresh: { login: n, read: 2 * n, write: 0, total: 3 * n },
  };
}
const MINIMUM_ARGUMENT = [
  "preview: 0 (check and diff are pure; nothing is created)",
  "up from empty: per device 1 login + 1 write + 1 read-back (proves the device applied it) + 1 registration status read (the only evidence the SIP password is right) = 4N",
  "  (every field is set, so create makes no adopt read; with a field unset it reads the account first: 5N), plus one GET /api/info per device (no login)",
  "up with no change: 0 (diff compares with state)",
  "refresh: per device 1 login + 1 account read + 1 registration status read = 3N",
];

// ---- main ---------------------------------------------------------------------------------------
/** Per operation: the median time of the runs, the requests and state of the first, the highest RSS. */
function medianOf(runs) {
  const out = {};
  for (const op of Object.keys(runs[0])) {
    const values = runs.map((r) => r[op]);
    if (typeof values[0] !== "object" || values[0] === null || !("ms" in values[0])) {
      out[op] = values[0];
      continue;
    }
    const sorted = values.map((v) => v.ms).sort((a, b) => a - b);
    const error = values.find((v) => v.error)?.error;
    const rssMb = Object.fromEntries(Object.keys(values[0].rssMb).map((k) => [k, Math.max(...values.map((v) => v.rssMb[k]))]));
    const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cpuS = Object.fromEntries(Object.keys(values[0].cpuS).map((k) => [k, median(values.map((v) => v.cpuS[k]))]));
    out[op] = { ...values[0], ms: sorted[Math.floor(sorted.length / 2)], runsMs: values.map((v) => v.ms), peakRssMb: Math.max(...values.map((v) => v.peakRssMb)), rssMb, cpuS, ...(error ? { error } : {}) };
  }
  return out;
}

/** One size, floor and basip interleaved; `skipCheckpoints` sets PULUMI_SKIP_CHECKPOINTS=true for both. */
async function runSize(n, repeat, skipCheckpoints = false) {
  const mode = skipCheckpoints ? ", PULUMI_SKIP_CHECKPOINTS=true" : "";
  console.log(`\n== N = ${n}${mode}: ${n} emulated devices, latency ${LATENCY_MS} ms, serial; engine --parallel ${2 * n}; ${repeat} runs each, medians reported`);
  // In a process of its own: its CPU is neither the bench's nor the provider's.
  const emu = await remoteEmulator(n);
  const { urls } = emu;
  const parallel = 2 * n;
  const result = { n, skipCheckpoints, parallel, latencyMs: LATENCY_MS, repeat, floor: {}, basip: {}, minimum: minimum(n) };
  const stacks = [];
  try {
    /** One run of the four operations, then a destroy so the next run's up starts from empty again. */
    const ops = async (label, stack, type) => {
      const into = {};
      into.preview = await measure(`${label} preview`, emu, () => stack.preview({ parallel }));
      into.up = await measure(`${label} up`, emu, () => stack.up({ parallel }));
      into.upNoChange = await measure(`${label} up (no change)`, emu, () => stack.up({ parallel }));
      into.refresh = await measure(`${label} refresh`, emu, () => stack.refresh({ parallel }));
      ({ bytes: into.stateBytesPerResource, providerTextBytes: into.providerTextBytes } = await stateBytes(stack, type));
      console.log(`  ${label}: preview ${into.preview.ms} ms, up ${into.up.ms} ms, up (no change) ${into.upNoChange.ms} ms, refresh ${into.refresh.ms} ms`);
      await stack.destroy({ parallel });
      return into;
    };
    const floor = await newStack(`floor-${n}`, floorProgram(n), {});
    stacks.push(floor);
    const basip = await newStack(`basip-${n}`, basipProgram(urls), {
      adminPassword: { value: ADMIN, secret: true },
      sip: { value: SIP, secret: true },
    });
    stacks.push(basip);
    if (skipCheckpoints) for (const s of stacks) s.stack.workspace.envVars.PULUMI_SKIP_CHECKPOINTS = "true";
    // Interleaved, so that load from elsewhere on the machine falls on both alike.
    const floorRuns = [];
    const basipRuns = [];
    for (let i = 0; i < repeat; i++) {
      floorRuns.push(await ops("floor", floor.stack, "pulumi-nodejs:dynamic/bench:Floor"));
      basipRuns.push(await ops("basip", basip.stack, "pulumi-nodejs:dynamic/basip:SipAccount"));
    }
    result.floor = medianOf(floorRuns);
    result.basip = medianOf(basipRuns);

    // Linear in N by construction, so large sizes measure it on 100 devices and scale.
    await emu.clear();
    const sample = Math.min(n, 100);
    result.baselineMs = Math.round(((await baseline(urls.slice(0, sample))) * n) / sample);
    result.baselineRequests = (await emu.counts()).counts;
    if (sample < n) result.baselineScaledFrom = sample;
    console.log(`  baseline (sequential fetch): ${result.baselineMs} ms${sample < n ? ` (measured on ${sample} devices, scaled)` : ""}`);
  } finally {
    for (const s of stacks) s.dispose();
    await emu.stop();
  }
  return result;
}

const OPS = [
  ["preview", "preview (fresh)"],
  ["up", "up (from empty)"],
  ["upNoChange", "up (no change)"],
  ["refresh", "refresh"],
];

/**
 * Every target of one size, judged from the measured figures (pure; printing reads the result):
 * preview and no-change up <= 1.25x floor; up and refresh <= floor + 3 x 40 ms x requests per
 * device; up >= 5x faster than the sequential baseline; state < 4 KB per resource.
 */
function evaluate(r) {
  const perDevice = (op) => r.minimum[op].total / r.n;
  const limits = {
    preview: { limitMs: Math.round(1.25 * r.floor.preview.ms), rule: "<= 1.25 x floor" },
    upNoChange: { limitMs: Math.round(1.25 * r.floor.upNoChange.ms), rule: "<= 1.25 x floor" },
    up: { limitMs: r.floor.up.ms + 3 * LATENCY_MS * perDevice("up"), rule: `<= floor + 3 x ${LATENCY_MS} ms x ${perDevice("up")} req/device` },
    refresh: { limitMs: r.floor.refresh.ms + 3 * LATENCY_MS * perDevice("refresh"), rule: `<= floor + 3 x ${LATENCY_MS} ms x ${perDevice("refresh")} req/device` },
  };
  const out = {};
  for (const [key] of OPS) {
    const b = r.basip[key];
    if (!b || !r.floor[key]) continue;
    out[key] = { ...limits[key], ms: b.ms, met: !b.error && b.ms <= limits[key].limitMs, ...(b.error ? { failed: true } : {}) };
  }
  const speedup = r.baselineMs / r.basip.up.ms;
  out.baseline = { rule: ">= 5x faster than the sequential baseline", speedup: Math.round(speedup * 100) / 100, met: speedup >= 5 };
  const sb = r.basip.stateBytesPerResource;
  out.state = { rule: "< 4096 bytes per resource", bytes: sb, met: sb !== undefined && sb < 4096 };
  return out;
}

const pad = (s, w) => String(s).padEnd(w);
const padL = (s, w) => String(s).padStart(w);
const req = (c) => (c ? `${c.login}/${c.read}/${c.write}` : "-");
const verdict = (t) => (t.met ? "met" : "MISSED");

/** Prints one size's figures and the verdicts `evaluate` put in `r.targets`. */
function printSize(r) {
  const t = r.targets;
  console.log(`\nN = ${r.n} devices (latency ${r.latencyMs} ms, serial devices), pulumi --parallel ${r.parallel}${r.skipCheckpoints ? ", PULUMI_SKIP_CHECKPOINTS=true" : ""}`);
  const head = [pad("operation", 17), padL("basip ms", 9), padL("floor ms", 9), padL("x floor", 8), padL("prov CPU s", 11), padL("floor", 6), pad("  requests L/R/W", 18), pad("minimum L/R/W", 15), padL("RSS MB", 7), "  target"];
  console.log(head.join(""));
  console.log("-".repeat(127));
  for (const [key, label] of OPS) {
    if (!t[key]) continue;
    const b = r.basip[key];
    const f = r.floor[key];
    const ratio = f.ms > 0 ? b.ms / f.ms : NaN;
    console.log(
      [
        pad(label, 17),
        padL(b.ms, 9),
        padL(f.ms, 9),
        padL(`${ratio.toFixed(2)}x`, 8),
        padL(b.cpuS.provider.toFixed(2), 11),
        padL(f.cpuS.provider.toFixed(2), 6),
        pad(`  ${req(b.requests)}`, 18),
        pad(req(r.minimum[key]), 15),
        padL(b.peakRssMb, 7),
        `  ${t[key].rule} = ${t[key].limitMs} ms: ${verdict(t[key])}${t[key].failed ? " (failed)" : ""}`,
      ].join(""),
    );
  }
  console.log(`baseline: sequential fetch, login+GET+POST+GET per device: ${r.baselineMs} ms${r.baselineScaledFrom ? ` (scaled from ${r.baselineScaledFrom} devices)` : ""} (${req(r.baselineRequests)}); up is ${t.baseline.speedup.toFixed(2)}x faster (target >= 5x: ${verdict(t.baseline)})`);
  console.log(`state per resource (compact JSON of one resource in stack export): basip ${t.state.bytes} B, floor ${r.floor.stateBytesPerResource} B (target < 4 KB: ${verdict(t.state)})`);
  console.log(`  of which the serialized provider text (__provider in inputs + outputs): basip ${r.basip.providerTextBytes} B, floor ${r.floor.providerTextBytes} B`);
  console.log(`peak RSS of the dynamic-provider process: basip up ${r.basip.up.peakRssMb} MB, floor up ${r.floor.up.peakRssMb} MB`);
}

async function main() {
  const { sizes, repeat, fastSizes, fastRepeat, fleet } = options(process.argv.slice(2));
  requireBuilt();
  pulumiBinDir(); // build or find the CLI before timing anything
  const started = new Date().toISOString();
  console.log(`pulumi-basip bench: sizes ${sizes.join(", ")}; each operation passes --parallel 2N to the engine (Automation API option parallel)`);
  const results = [];
  for (const n of sizes) results.push(await runSize(n, repeat));
  for (const n of fastSizes) results.push(await runSize(n, fastRepeat, true));
  const fleetResult = fleet ? await scale.runFleet(fleet) : undefined;
  for (const r of results) {
    r.targets = evaluate(r);
    if (r.skipCheckpoints) r.fastTargets = scale.fastTargets(r);
  }
  const oneStack = results.find((r) => r.skipCheckpoints && fleet && r.n === fleet.sites * fleet.perSite);
  if (fleetResult) fleetResult.targets = scale.fleetTargets(fleetResult, oneStack);
  console.log("\n==================== results ====================");
  console.log("requests L/R/W = logins / reads (accounts and registration status) / account writes, summed over all devices");
  for (const r of results) {
    printSize(r);
    if (r.skipCheckpoints) scale.printFast(r, OPS);
  }
  if (fleetResult) scale.printFleet(fleetResult);
  scale.printIssue18(results, fleetResult);
  console.log("\nminimum requests, the argument:");
  for (const line of MINIMUM_ARGUMENT) console.log(`  ${line}`);
  const out = path.join(ROOT, "bench-results/bench.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const meta = { started, finished: new Date().toISOString(), node: process.version, cpus: os.cpus().length, platform: `${os.platform()} ${os.release()}`, minimumArgument: MINIMUM_ARGUMENT };
  const issue18 = scale.issue18Rows(results, fleetResult);
  fs.writeFileSync(out, `${JSON.stringify({ ...meta, results, ...(fleetResult ? { fleet: fleetResult } : {}), issue18 }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e && e.stack ? e.stack : e);
    process.exit(1);
  },
);
