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
 * Judges each figure against its target, then prints a table and writes bench-results/bench.json.
 * A script, not a test: a missed target is reported ("MISSED"), never an exit code.
 * Needs `npm run build` first (uses dist/).
 */
/* global setInterval, clearInterval, fetch */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { parseArgs } = require("util");
const { newLocalStack, pulumiBinDir } = require("./local-engine");

const ROOT = path.resolve(__dirname, "..");
const LATENCY_MS = 40;
const PASSPHRASE = "bench-passphrase";
const ADMIN = "123456";
const SIP = "s3cret-bench";

// ---- options ------------------------------------------------------------------------------------
const USAGE = "usage: node scripts/bench.js [--quick | --sizes 10,100] [--repeat 3]";

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
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error("--sizes takes positive integers, e.g. --sizes 10,100");
    process.exit(2);
  }
  if (!Number.isInteger(repeat) || repeat < 1) {
    console.error("--repeat takes a positive integer");
    process.exit(2);
  }
  return { sizes, repeat };
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

// ---- programs -----------------------------------------------------------------------------------
/** Every field of a main account set, so create needs no read to fill in unmanaged fields. */
function accountArgs(i) {
  return {
    proxy: "sip:pbx.example.com",
    realm: "pbx.example.com",
    user: String(1000 + i),
    stun: { ip: "stun.example.com", port: 3478 },
    registrationInterval: 300,
    h264: 102,
    transport: "udp",
  };
}

function basipProgram(urls) {
  return async () => {
    const pulumi = require("@pulumi/pulumi");
    const basip = require("pulumi-basip");
    const cfg = new pulumi.Config();
    const admin = cfg.requireSecret("adminPassword");
    const sip = cfg.requireSecret("sip");
    urls.forEach((url, i) => new basip.SipAccount(`dev-${i}`, { device: { endpoint: url, password: admin }, ...accountArgs(i), password: sip }));
    return { count: urls.length };
  };
}

/** The engine floor: the same number of dynamic resources whose provider returns at once. */
function floorProgram(n) {
  return async () => {
    const pulumi = require("@pulumi/pulumi");
    const provider = {
      check: async (_olds, news) => ({ inputs: news }),
      diff: async () => ({ changes: false }),
      create: async (inputs) => ({ id: `floor-${inputs.user}`, outs: inputs }),
      read: async (id, props) => ({ id, props }),
      update: async (_id, _olds, news) => ({ outs: news }),
      delete: async () => {},
    };
    class Floor extends pulumi.dynamic.Resource {
      constructor(name, props) {
        super(provider, name, props, undefined, "bench", "Floor");
      }
    }
    for (let i = 0; i < n; i++) new Floor(`dev-${i}`, { device: { endpoint: `http://127.0.0.1:${20000 + i}` }, ...accountArgs(i) });
    return { count: n };
  };
}

// ---- measurement --------------------------------------------------------------------------------
/** Samples the RSS of every process whose cmdline contains `dynamic-provider`, every 50 ms; keeps the max. */
function rssSampler() {
  let peakKb = 0;
  const sample = () => {
    let pids = [];
    try {
      pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    for (const pid of pids) {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmd.includes("dynamic-provider")) continue;
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // the process ended between readdir and read
      }
    }
  };
  const timer = setInterval(sample, 50);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peakKb;
    },
  };
}

function sumCounts(devices) {
  const c = { login: 0, read: 0, write: 0, total: 0 };
  for (const d of devices) {
    const k = d.counts();
    c.login += k.login;
    c.read += k.read;
    c.write += k.write;
    c.total += k.total;
  }
  return c;
}

async function measure(label, devices, fn) {
  for (const d of devices) d.clearRequests();
  const rss = rssSampler();
  const t0 = process.hrtime.bigint();
  let error;
  try {
    await fn();
  } catch (e) {
    error = (e && e.message ? e.message : String(e)).split("\n").slice(0, 5).join(" | ");
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const peakRssKb = rss.stop();
  const requests = sumCounts(devices);
  if (error) console.error(`  ${label}: FAILED: ${error}`);
  return { ms: Math.round(ms), requests, peakRssMb: Math.round(peakRssKb / 102.4) / 10, ...(error ? { error } : {}) };
}

/** Compact JSON bytes of the first resource of `type` in the exported state. */
async function stateBytes(stack, type) {
  const exported = await stack.exportStack();
  const resources = (exported.deployment && exported.deployment.resources) || [];
  const r = resources.find((x) => x.type === type);
  if (!r) return {};
  const provider = [r.inputs, r.outputs].reduce((sum, p) => sum + (p && typeof p.__provider === "string" ? Buffer.byteLength(JSON.stringify(p.__provider)) : 0), 0);
  return { bytes: Buffer.byteLength(JSON.stringify(r)), providerTextBytes: provider };
}

/** The same calls as one create, device after device, with plain fetch: login, GET, POST, GET. */
async function baseline(urls) {
  const md5 = crypto.createHash("md5").update(ADMIN).digest("hex");
  const t0 = process.hrtime.bigint();
  for (const [i, url] of urls.entries()) {
    const login = await fetch(`${url}/api/v1/login?username=admin&password=${md5}`);
    const { token } = await login.json();
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const sipUrl = `${url}/api/v1/device/sip/settings`;
    const current = await (await fetch(sipUrl, { headers })).json();
    const a = accountArgs(i);
    const body = { ...current, proxy: a.proxy, realm: a.realm, user: a.user, password: SIP, stun: a.stun, registration_interval: a.registrationInterval, h264: a.h264, transport: a.transport };
    const post = await fetch(sipUrl, { method: "POST", headers, body: JSON.stringify(body) });
    if (!post.ok) throw new Error(`baseline POST ${url}: ${post.status} ${await post.text()}`);
    await (await fetch(sipUrl, { headers })).json();
  }
  return Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
}

/** The fewest device requests each operation can make, with the argument for it. */
function minimum(n) {
  return {
    preview: { login: 0, read: 0, write: 0, total: 0 },
    up: { login: n, read: 2 * n, write: n, total: 4 * n },
    upNoChange: { login: 0, read: 0, write: 0, total: 0 },
    refresh: { login: n, read: n, write: 0, total: 2 * n },
  };
}
const MINIMUM_ARGUMENT = [
  "preview: 0 (check and diff are pure; nothing is created)",
  "up from empty: per device 1 login + 1 read (adopt: proves the device and credentials before writing) + 1 write + 1 read-back (proves the device applied it) = 4N",
  "  (3N would be possible when every field is set - the adopt read is not needed to build the write - at the cost of the pre-write check)",
  "up with no change: 0 (diff compares with state)",
  "refresh: per device 1 login + 1 read = 2N",
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
    out[op] = { ...values[0], ms: sorted[Math.floor(sorted.length / 2)], runsMs: values.map((v) => v.ms), peakRssMb: Math.max(...values.map((v) => v.peakRssMb)), ...(error ? { error } : {}) };
  }
  return out;
}

async function runSize(n, repeat) {
  const { startEmulator } = require(path.join(ROOT, "dist/emulator"));
  console.log(`\n== N = ${n}: ${n} emulated devices, latency ${LATENCY_MS} ms, serial; engine --parallel ${2 * n}; ${repeat} runs each, medians reported`);
  const emu = await startEmulator({ port: 0, devices: n, faults: { latencyMs: LATENCY_MS, serial: true } });
  const devices = Array.from({ length: n }, (_, i) => emu.device(i));
  const urls = devices.map((d) => d.url);
  const parallel = 2 * n;
  const result = { n, parallel, latencyMs: LATENCY_MS, repeat, floor: {}, basip: {}, minimum: minimum(n) };
  const stacks = [];
  try {
    /** One run of the four operations, then a destroy so the next run's up starts from empty again. */
    const ops = async (label, stack, type) => {
      const into = {};
      into.preview = await measure(`${label} preview`, devices, () => stack.preview({ parallel }));
      into.up = await measure(`${label} up`, devices, () => stack.up({ parallel }));
      into.upNoChange = await measure(`${label} up (no change)`, devices, () => stack.up({ parallel }));
      into.refresh = await measure(`${label} refresh`, devices, () => stack.refresh({ parallel }));
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
    // Interleaved, so that load from elsewhere on the machine falls on both alike.
    const floorRuns = [];
    const basipRuns = [];
    for (let i = 0; i < repeat; i++) {
      floorRuns.push(await ops("floor", floor.stack, "pulumi-nodejs:dynamic/bench:Floor"));
      basipRuns.push(await ops("basip", basip.stack, "pulumi-nodejs:dynamic/basip:SipAccount"));
    }
    result.floor = medianOf(floorRuns);
    result.basip = medianOf(basipRuns);

    for (const d of devices) d.clearRequests();
    result.baselineMs = await baseline(urls);
    result.baselineRequests = sumCounts(devices);
    console.log(`  baseline (sequential fetch): ${result.baselineMs} ms`);
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
  console.log(`\nN = ${r.n} devices (latency ${r.latencyMs} ms, serial devices), pulumi --parallel ${r.parallel}`);
  const head = [pad("operation", 17), padL("basip ms", 9), padL("floor ms", 9), padL("x floor", 8), pad("  requests L/R/W", 18), pad("minimum L/R/W", 15), padL("RSS MB", 7), "  target"];
  console.log(head.join(""));
  console.log("-".repeat(110));
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
        pad(`  ${req(b.requests)}`, 18),
        pad(req(r.minimum[key]), 15),
        padL(b.peakRssMb, 7),
        `  ${t[key].rule} = ${t[key].limitMs} ms: ${verdict(t[key])}${t[key].failed ? " (failed)" : ""}`,
      ].join(""),
    );
  }
  console.log(`baseline: sequential fetch, login+GET+POST+GET per device: ${r.baselineMs} ms (${req(r.baselineRequests)}); up is ${t.baseline.speedup.toFixed(2)}x faster (target >= 5x: ${verdict(t.baseline)})`);
  console.log(`state per resource (compact JSON of one resource in stack export): basip ${t.state.bytes} B, floor ${r.floor.stateBytesPerResource} B (target < 4 KB: ${verdict(t.state)})`);
  console.log(`  of which the serialized provider text (__provider in inputs + outputs): basip ${r.basip.providerTextBytes} B, floor ${r.floor.providerTextBytes} B`);
  console.log(`peak RSS of the dynamic-provider process: basip up ${r.basip.up.peakRssMb} MB, floor up ${r.floor.up.peakRssMb} MB`);
}

async function main() {
  const { sizes, repeat } = options(process.argv.slice(2));
  requireBuilt();
  pulumiBinDir(); // build or find the CLI before timing anything
  const started = new Date().toISOString();
  console.log(`pulumi-basip bench: sizes ${sizes.join(", ")}; each operation passes --parallel 2N to the engine (Automation API option parallel)`);
  const results = [];
  for (const n of sizes) results.push(await runSize(n, repeat));
  for (const r of results) r.targets = evaluate(r);
  console.log("\n==================== results ====================");
  console.log("requests L/R/W = logins / account reads / account writes, summed over all devices");
  for (const r of results) printSize(r);
  console.log("\nminimum requests, the argument:");
  for (const line of MINIMUM_ARGUMENT) console.log(`  ${line}`);
  const out = path.join(ROOT, "bench-results/bench.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const meta = { started, finished: new Date().toISOString(), node: process.version, cpus: os.cpus().length, platform: `${os.platform()} ${os.release()}`, minimumArgument: MINIMUM_ARGUMENT };
  fs.writeFileSync(out, `${JSON.stringify({ ...meta, results }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e && e.stack ? e.stack : e);
    process.exit(1);
  },
);
