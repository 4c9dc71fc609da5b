/**
 * What the bench scripts share (scripts/bench.js, bench-scale.js, profile-provider.js): the programs
 * measured (SipAccounts, the engine floor of trivial dynamic resources), and the measurements: wall
 * time, device requests, peak RSS per process role, state bytes, the sequential baseline.
 */
/* global setInterval, clearInterval, fetch */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const LATENCY_MS = 40;
const PASSPHRASE = "bench-passphrase";
const ADMIN = "123456";
const SIP = "s3cret-bench";

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
/** pid -> parent pid, for every process now. */
function parents() {
  const map = new Map();
  for (const p of fs.readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      map.set(Number(p), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // the process ended between readdir and read
    }
  }
  return map;
}

/**
 * Samples every 50 ms the RSS of the processes under `runnerPid` (default: this process, which runs
 * the Automation API, the inline programs and the emulator): the dynamic-provider plugins (cmdline
 * contains `dynamic-provider`), the `pulumi` CLIs (engines) and the runner itself; only its own
 * descendants, so other work on the machine is not counted. Keeps for each role the largest single
 * process and the largest sum at one instant (a fleet runs one of each per site). `stop()` returns
 * the largest provider, in kB, and leaves every figure, in kB, in `peaks`.
 */
function rssSampler(runnerPid = process.pid) {
  const peaks = { providerKb: 0, providersSumKb: 0, engineKb: 0, enginesSumKb: 0, runnerKb: 0 };
  /** CPU seconds (user + system, from /proc/<pid>/stat) last seen per process, by role. */
  const cpu = { provider: new Map(), engine: new Map() };
  const rssOf = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  const cpuOf = (pid) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ
  };
  const sample = () => {
    const ppid = parents();
    const under = (pid) => {
      for (let p = ppid.get(pid); p !== undefined && p > 1; p = ppid.get(p)) if (p === runnerPid) return true;
      return false;
    };
    let providers = 0;
    let engines = 0;
    for (const pid of ppid.keys()) {
      try {
        if (pid === runnerPid) peaks.runnerKb = Math.max(peaks.runnerKb, rssOf(pid));
        if (!under(pid)) continue;
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        const role = cmd.includes("dynamic-provider") ? "provider" : path.basename(cmd.split("\0")[0]) === "pulumi" ? "engine" : undefined;
        if (role === undefined) continue;
        const kb = rssOf(pid);
        cpu[role].set(pid, cpuOf(pid));
        if (role === "provider") {
          providers += kb;
          peaks.providerKb = Math.max(peaks.providerKb, kb);
        } else {
          engines += kb;
          peaks.engineKb = Math.max(peaks.engineKb, kb);
        }
      } catch {
        // the process ended between readdir and read
      }
    }
    peaks.providersSumKb = Math.max(peaks.providersSumKb, providers);
    peaks.enginesSumKb = Math.max(peaks.enginesSumKb, engines);
  };
  const timer = setInterval(sample, 50);
  const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  return {
    peaks,
    /** CPU seconds of every provider plugin and every `pulumi` CLI seen (up to the last 50 ms sample of each). */
    cpuS: () => ({ provider: Math.round(sum(cpu.provider) * 100) / 100, engine: Math.round(sum(cpu.engine) * 100) / 100 }),
    stop() {
      clearInterval(timer);
      sample();
      return peaks.providerKb;
    },
  };
}

/**
 * Emulated devices in their own process (scripts/bench-emulator.js), so they use none of the bench's
 * or the provider's CPU: `{urls, pid, clear(), counts(), stop()}`, `counts()` resolving to the
 * requests summed over the devices and the emulator's CPU seconds so far.
 */
function remoteEmulator(n, latencyMs = LATENCY_MS) {
  const { spawn } = require("child_process");
  const readline = require("readline");
  const child = spawn(process.execPath, [path.join(__dirname, "bench-emulator.js"), String(n), String(latencyMs)], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting = [];
  readline.createInterface({ input: child.stdout }).on("line", (line) => waiting.shift()?.resolve(JSON.parse(line)));
  child.on("exit", (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`bench-emulator exited with ${code}`));
  });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const ask = (command) => {
    const answer = next();
    child.stdin.write(`${command}\n`);
    return answer;
  };
  return next().then(({ urls, pid }) => ({
    urls,
    pid,
    clear: () => ask("clear"),
    counts: () => ask("counts"),
    stop: () => ask("stop"),
  }));
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

/** MB with one decimal, from kB. */
const mb = (kb) => Math.round(kb / 102.4) / 10;

/**
 * Runs `fn` and measures it: wall time, device requests (counters of the `remoteEmulator` `emu`), peak
 * RSS per role, CPU seconds of the provider plugin, the `pulumi` CLI and the emulator.
 */
async function measure(label, emu, fn) {
  await emu.clear();
  const emuCpu0 = (await emu.counts()).cpuS;
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
  const { counts: requests, cpuS: emuCpu } = await emu.counts();
  if (error) console.error(`  ${label}: FAILED: ${error}`);
  const rssMb = { provider: mb(rss.peaks.providerKb), engine: mb(rss.peaks.engineKb), runner: mb(rss.peaks.runnerKb) };
  const cpuS = { ...rss.cpuS(), emulator: Math.round((emuCpu - emuCpu0) * 100) / 100 };
  return { ms: Math.round(ms), requests, peakRssMb: mb(peakRssKb), rssMb, cpuS, ...(error ? { error } : {}) };
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

module.exports = { LATENCY_MS, PASSPHRASE, ADMIN, SIP, accountArgs, basipProgram, floorProgram, parents, rssSampler, remoteEmulator, sumCounts, mb, measure, stateBytes, baseline };
