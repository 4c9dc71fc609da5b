/**
 * The fleet-scale part of `npm run bench` (issue 14): the targets of one big stack with checkpoints
 * skipped, and a fleet of sites through the `basip-fleet` bin itself (a child process, so that its
 * memory is measured apart from the emulator, which stays in the bench process).
 */
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const { localEngineEnv, newLocalStack } = require("../tests/support/local-engine");
const { LATENCY_MS, PASSPHRASE, ADMIN, SIP, accountArgs, floorProgram, rssSampler, remoteEmulator, mb } = require("./bench-lib");

const ROOT = path.resolve(__dirname, "..");

// ---- one stack, checkpoints skipped -----------------------------------------------------------------

/**
 * Issue 14's targets for one stack with checkpoints skipped: up from empty <= 1.2 x the floor and
 * >= 20 x faster than the sequential script; 0 device requests for preview and a no-change up; the
 * provider's peak RSS <= 1.3 x the floor's.
 */
function fastTargets(r) {
  const b = r.basip;
  const f = r.floor;
  const speedup = r.baselineMs / b.up.ms;
  return {
    upVsFloor: { rule: "up <= 1.2 x floor", figure: `${(b.up.ms / f.up.ms).toFixed(2)}x`, met: !b.up.error && b.up.ms <= 1.2 * f.up.ms },
    upVsSequential: { rule: "up >= 20 x faster than the sequential script", figure: `${speedup.toFixed(1)}x`, met: speedup >= 20 },
    previewRequests: { rule: "preview: 0 device requests", figure: String(b.preview.requests.total), met: b.preview.requests.total === 0 },
    upNoChangeRequests: { rule: "no-change up: 0 device requests", figure: String(b.upNoChange.requests.total), met: b.upNoChange.requests.total === 0 },
    providerRss: { rule: "provider peak RSS during up <= 1.3 x the floor's", figure: `${(b.up.rssMb.provider / f.up.rssMb.provider).toFixed(2)}x`, met: b.up.rssMb.provider <= 1.3 * f.up.rssMb.provider },
  };
}

function printTargets(title, targets) {
  console.log(title);
  for (const t of Object.values(targets)) console.log(`  ${t.rule}: ${t.figure}: ${t.met ? "met" : "MISSED"}`);
}

/** After the size's table: the targets, and peak RSS per process role for each operation. */
function printFast(r, ops) {
  printTargets("checkpoints skipped, issue 14's targets:", r.fastTargets);
  for (const [op, label] of ops) {
    const b = r.basip[op].rssMb;
    const f = r.floor[op].rssMb;
    console.log(`  peak RSS MB, ${label}: provider ${b.provider} (floor ${f.provider}), pulumi CLI ${b.engine} (floor ${f.engine}), runner ${b.runner} (floor ${f.runner}; it also hosts the emulator)`);
  }
}

// ---- sites through basip-fleet ----------------------------------------------------------------------

/** An inventory of `sites` sites (s0, s1, ...) of `perSite` devices each, in emulator order. */
function inventory(urls, sites, perSite, interval = accountArgs(0).registrationInterval) {
  const lines = ["# written by scripts/bench-scale.js", "sites:"];
  for (let s = 0; s < sites; s++) {
    const a = accountArgs(0);
    lines.push(`  s${s}:`, "    defaults:", "      sip:", `        proxy: ${a.proxy}`, `        realm: ${a.realm}`, `        stun: {ip: ${a.stun.ip}, port: ${a.stun.port}}`);
    lines.push(`        transport: ${a.transport}`, `        registrationInterval: ${interval}`, "    devices:");
    for (let d = 0; d < perSite; d++) {
      const i = s * perSite + d;
      lines.push(`      - name: s${s}-d${d}`, `        endpoint: ${urls[i]}`, `        user: "${accountArgs(i).user}"`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Runs `basip-fleet <command>` in `dir`; resolves with its exit code and the tail of its output. */
function fleetCommand(dir, env, command, sites, perSite, rss) {
  const bin = path.join(ROOT, "dist/fleet/cli.js");
  const args = [bin, command, "--inventory", "inventory.yaml", "--concurrency", String(sites), "--parallel", String(2 * perSite), "--json", `${command}.json`];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    const sampler = rss(child.pid);
    let out = "";
    const keep = (chunk) => {
      out = (out + chunk).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("close", (code) => resolve({ code, tail: out, peaks: (sampler.stop(), sampler.peaks), cpuS: sampler.cpuS() }));
  });
}

/**
 * `sites` x `perSite` emulated devices in one inventory, run through `basip-fleet` with every site at
 * once and PULUMI_SKIP_CHECKPOINTS=true (as the one-stack comparison): preview, up from empty (the
 * bin refreshes first, then applies), up with no change (its refresh reads every device), up with
 * one setting changed on every device of the existing fleet (the same refresh, then a write each), refresh.
 */
async function runFleet({ sites, perSite }) {
  const n = sites * perSite;
  console.log(`\n== basip-fleet: ${sites} sites x ${perSite} devices, latency ${LATENCY_MS} ms, serial; --concurrency ${sites} --parallel ${2 * perSite}; PULUMI_SKIP_CHECKPOINTS=true`);
  // In a process of its own, as in the one-stack runs.
  const emu = await remoteEmulator(n);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-bench-fleet-"));
  const result = { sites, perSite, n, latencyMs: LATENCY_MS, ops: {} };
  try {
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.writeFileSync(path.join(dir, "inventory.yaml"), inventory(emu.urls, sites, perSite));
    fs.mkdirSync(path.join(dir, "state"));
    const siteSecrets = Object.fromEntries(Array.from({ length: sites }, (_, s) => [`BASIP_SIP_PASSWORD_SITE_S${s}`, SIP]));
    const env = { ...process.env, ...localEngineEnv(path.join(dir, "state"), PASSPHRASE), BASIP_ADMIN_PASSWORD: ADMIN, ...siteSecrets, PULUMI_SKIP_CHECKPOINTS: "true" };
    for (const [key, command] of [
      ["preview", "preview"],
      ["up", "up"],
      ["upNoChange", "up"],
      ["upWrite", "up"],
      ["refresh", "refresh"],
    ]) {
      if (key === "upWrite") fs.writeFileSync(path.join(dir, "inventory.yaml"), inventory(emu.urls, sites, perSite, 2 * accountArgs(0).registrationInterval));
      await emu.clear();
      const t0 = process.hrtime.bigint();
      const run = await fleetCommand(dir, env, command, sites, perSite, rssSampler);
      const ms = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
      const p = run.peaks;
      const op = { ms, exitCode: run.code, requests: (await emu.counts()).counts, cpuS: run.cpuS, rssMb: { providerMax: mb(p.providerKb), providersSum: mb(p.providersSumKb), engineMax: mb(p.engineKb), enginesSum: mb(p.enginesSumKb), runner: mb(p.runnerKb) } };
      if (run.code !== 0) op.error = run.tail.split("\n").slice(-8).join(" | ");
      result.ops[key] = op;
      console.log(`  basip-fleet ${command}${key === "upNoChange" ? " (no change)" : key === "upWrite" ? " (every device changed)" : ""}: ${ms} ms, exit ${run.code}${op.error ? `: ${op.error}` : ""}`);
    }
  } finally {
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  result.floorMs = await runFloorFleet({ sites, perSite });
  return result;
}

/**
 * The engine floor of a fleet: `sites` stacks of `perSite` trivial dynamic resources (the floor's
 * provider), all at once from this process as basip-fleet runs its sites, checkpoints skipped.
 * What one stack per site costs the engine itself, whatever the provider does.
 */
async function runFloorFleet({ sites, perSite }) {
  const stacks = await Promise.all(
    Array.from({ length: sites }, (_, s) => newLocalStack({ project: "bench-floor-fleet", name: `s${s}`, program: floorProgram(perSite), passphrase: PASSPHRASE })),
  );
  const ms = {};
  try {
    // As the basip-fleet runs beside it: checkpoints skipped.
    for (const ts of stacks) ts.stack.workspace.envVars.PULUMI_SKIP_CHECKPOINTS = "true";
    for (const [key, op] of [
      ["preview", (st) => st.preview()],
      ["up", (st) => st.up()],
    ]) {
      const t0 = process.hrtime.bigint();
      await Promise.all(stacks.map((ts) => op(ts.stack)));
      ms[key] = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    stacks.forEach((ts) => ts.dispose());
  }
  console.log(`  engine floor of the fleet (${sites} stacks x ${perSite} trivial resources, at once): preview ${ms.preview} ms, up ${ms.up} ms`);
  return ms;
}

/** The fleet is no slower than one stack of as many devices; preview makes no device request. */
function fleetTargets(f, oneStack) {
  const out = { previewRequests: { rule: "preview: 0 device requests", figure: String(f.ops.preview.requests.total), met: f.ops.preview.requests.total === 0 } };
  if (oneStack) {
    const ratio = f.ops.up.ms / oneStack.basip.up.ms;
    out.upVsOneStack = { rule: `up from empty no slower than one ${oneStack.n}-device stack (${oneStack.basip.up.ms} ms)`, figure: `${ratio.toFixed(2)}x`, met: !f.ops.up.error && ratio <= 1 };
  }
  return out;
}

function printFleet(f) {
  const req = (c) => `${c.login}/${c.read}/${c.write}`;
  console.log(`\nbasip-fleet, ${f.sites} sites x ${f.perSite} devices (all sites at once), PULUMI_SKIP_CHECKPOINTS=true`);
  for (const [key, label] of [
    ["preview", "preview (fresh)"],
    ["up", "up (from empty; up --refresh)"],
    ["upNoChange", "up (no change; its refresh reads each device)"],
    ["upWrite", "up (one setting changed on every device; refresh, then a write each)"],
    ["refresh", "refresh"],
  ]) {
    const o = f.ops[key];
    if (o === undefined) continue;
    const r = o.rssMb;
    console.log(`  ${label}: ${o.ms} ms, requests L/R/W ${req(o.requests)}, exit ${o.exitCode}; CPU s: providers ${o.cpuS.provider}, pulumi CLIs ${o.cpuS.engine}; peak RSS MB: provider ${r.providerMax} each (${r.providersSum} together), pulumi CLI ${r.engineMax} each (${r.enginesSum} together), basip-fleet ${r.runner}`);
  }
  printTargets("issue 14's targets:", f.targets);
}

// ---- issue 18's table ------------------------------------------------------------------------------

/**
 * Issue 18's rows, each with the figure, its ratio, the target and whether it is met, and the
 * provider's CPU seconds beside the floor's (a figure that does not depend on who else uses the cores).
 */
function issue18Rows(results, fleet) {
  const rows = [];
  const cpu = (b, f) => ({ providerCpuS: b.cpuS?.provider, floorCpuS: f.cpuS?.provider });
  const vsFloor = (figure, now, r, op, max) => {
    const b = r.basip[op];
    const f = r.floor[op];
    const ratio = b.ms / f.ms;
    rows.push({ figure, now, target: `<= ${max}x floor`, value: `${(b.ms / 1000).toFixed(1)} s vs floor ${(f.ms / 1000).toFixed(1)} s`, ratio: `${ratio.toFixed(2)}x`, met: !b.error && ratio <= max, ...cpu(b, f) });
  };
  const normal = results.filter((r) => !r.skipCheckpoints);
  const small = normal.find((r) => r.n === 100) ?? normal[normal.length - 1];
  const fast = results.filter((r) => r.skipCheckpoints).sort((a, b) => b.n - a.n)[0];
  if (small) vsFloor(`N=${small.n} up from empty`, "7.4 s, 1.53x floor", small, "up", 1.15);
  if (fast) {
    vsFloor(`N=${fast.n} up, checkpoints skipped`, "14.6 s, 1.67x floor", fast, "up", 1.2);
    vsFloor(`N=${fast.n} refresh`, "8.1 s, 2.03x floor", fast, "refresh", 1.3);
    vsFloor(`N=${fast.n} preview`, "9.2 s, 1.39x floor", fast, "preview", 1.15);
  }
  const rssOf = fast ?? small;
  if (rssOf) {
    const b = rssOf.basip.up.rssMb.provider;
    const f = rssOf.floor.up.rssMb.provider;
    rows.push({ figure: `provider peak RSS during up (N=${rssOf.n})`, now: "1.46x floor", target: "<= 1.2x floor", value: `${b} MB vs floor ${f} MB`, ratio: `${(b / f).toFixed(2)}x`, met: b <= 1.2 * f, ...cpu(rssOf.basip.up, rssOf.floor.up) });
  }
  if (fleet) {
    const name = `basip-fleet ${fleet.sites} sites x ${fleet.perSite}`;
    const one = fast && fast.n === fleet.n ? fast : undefined;
    for (const [op, now] of [
      ["preview", "29.9 s"],
      ["up", "49.1 s"],
    ]) {
      const o = fleet.ops[op];
      const ratio = one ? o.ms / one.basip[op].ms : NaN;
      rows.push({
        figure: `${name}: ${op}`,
        now,
        target: one ? `<= 1.3x one stack (${(one.basip[op].ms / 1000).toFixed(1)} s)` : "<= 1.3x one stack (needs --fast-sizes equal to the fleet's size)",
        value: `${(o.ms / 1000).toFixed(1)} s`,
        ratio: one ? `${ratio.toFixed(2)}x` : "-",
        met: !o.error && ratio <= 1.3,
        providerCpuS: o.cpuS.provider,
        floorCpuS: one?.basip[op].cpuS?.provider,
        floorCpuLabel: "one stack",
      });
      // Where the engine itself stands: the same sites of trivial resources, against one floor stack of as many.
      const floorFleet = fleet.floorMs?.[op];
      const floorOne = one?.floor[op]?.ms;
      if (floorFleet !== undefined && floorOne !== undefined) {
        rows.push({
          figure: `  engine floor, ${fleet.sites} stacks x ${fleet.perSite} trivial resources: ${op}`,
          now: "-",
          target: `(for reference: one floor stack of ${fleet.n}: ${(floorOne / 1000).toFixed(1)} s)`,
          value: `${(floorFleet / 1000).toFixed(1)} s`,
          ratio: `${(floorFleet / floorOne).toFixed(2)}x`,
          met: undefined,
        });
      }
    }
    const nc = fleet.ops.upNoChange;
    const up = fleet.ops.up;
    rows.push({ figure: `${name}: no-change up`, now: "62.5 s", target: `<= the fleet's up (${(up.ms / 1000).toFixed(1)} s)`, value: `${(nc.ms / 1000).toFixed(1)} s`, ratio: `${(nc.ms / up.ms).toFixed(2)}x`, met: !nc.error && nc.ms <= up.ms, providerCpuS: nc.cpuS.provider, floorCpuS: up.cpuS.provider, floorCpuLabel: "fleet up" });
    // The like-for-like comparison: an up that writes on an existing fleet refreshes it too.
    const w = fleet.ops.upWrite;
    if (w !== undefined) {
      rows.push({ figure: `${name}: no-change up vs an up writing every device of the same fleet`, now: "-", target: `<= that up (${(w.ms / 1000).toFixed(1)} s)`, value: `${(nc.ms / 1000).toFixed(1)} s`, ratio: `${(nc.ms / w.ms).toFixed(2)}x`, met: !nc.error && !w.error && nc.ms <= w.ms, providerCpuS: nc.cpuS.provider, floorCpuS: w.cpuS.provider, floorCpuLabel: "writing up" });
    }
  }
  if (small) {
    const b = small.basip.stateBytesPerResource;
    const f = small.floor.stateBytesPerResource;
    rows.push({ figure: "state per resource", now: "6.5 KB (floor 4.8 KB)", target: `<= floor + 0.5 KB (${f + 512} B)`, value: `${b} B vs floor ${f} B`, ratio: `${b >= f ? "+" : ""}${b - f} B`, met: b <= f + 512 });
  }
  return rows;
}

function printIssue18(results, fleet) {
  const rows = issue18Rows(results, fleet);
  console.log("\n==================== issue 18 ====================");
  console.log("figure | now (issue) | measured | ratio | target | verdict | provider CPU s (floor's)");
  for (const r of rows) {
    const cpu = r.providerCpuS === undefined ? "-" : `${r.providerCpuS} (${r.floorCpuLabel ?? "floor"} ${r.floorCpuS ?? "-"})`;
    console.log(`${r.figure} | ${r.now} | ${r.value} | ${r.ratio} | ${r.target} | ${r.met === undefined ? "reference" : r.met ? "met" : "MISSED"} | ${cpu}`);
  }
}

module.exports = { fastTargets, printFast, runFleet, fleetTargets, printFleet, issue18Rows, printIssue18 };
