/**
 * Safe fast mode: the `pulumi` process tree is SIGKILLed in the middle of an `up` of 100 devices,
 * once with checkpoints written after every step and once with `PULUMI_SKIP_CHECKPOINTS=true`. The
 * recovery docs/guides/large-fleets.md prescribes (`pulumi cancel`, and `pulumi refresh --clear-pending-creates` when
 * checkpoints were written) and one more `up` leave every device right, the state equal to the
 * devices, and nothing pending; because create adopts, re-creating what the lost records held is
 * harmless.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { Emulator, EmulatedDevice, startEmulator } from "../../emulator";
import { SipAccount } from "../../provider";
import { failureOf, newStack, TestStack } from "./harness";

jest.setTimeout(150_000);

const N = 100;
const ADMIN = "123456";
const SIP = "s3cret-kill";
const TYPE = "pulumi-nodejs:dynamic/basip:SipAccount";

const wanted = (i: number) => ({ proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: String(5000 + i), stun: { ip: "stun.example.com", port: 3478 }, registrationInterval: 120, h264: 102, transport: "tcp" as const });

function program(urls: string[]) {
  return async () => {
    const cfg = new pulumi.Config();
    const admin = cfg.requireSecret("adminPassword");
    const sip = cfg.requireSecret("sip");
    urls.forEach((url, i) => new SipAccount(`dev-${i}`, { device: { endpoint: url, password: admin }, ...wanted(i), password: sip }));
    return {};
  };
}

// ---- the process tree of one `pulumi` command ---------------------------------------------------------

function parentOf(pid: number): number | undefined {
  try {
    // The command name is in parentheses and may hold spaces; the ppid is the second field after it.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function argvOf(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

const allPids = () =>
  fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .map(Number);

/** The `pulumi up` this process spawned for `stack`, and everything below it (the provider plugin among them). */
function pulumiTree(stack: string): number[] {
  const pids = allPids();
  const parents = new Map(pids.map((p) => [p, parentOf(p)]));
  const root = pids.find((p) => {
    const argv = argvOf(p);
    return parents.get(p) === process.pid && path.basename(argv[0] ?? "") === "pulumi" && argv.includes("up") && argv.includes(stack);
  });
  if (root === undefined) return [];
  const tree = [root];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, parent] of parents) {
      if (parent !== undefined && tree.includes(parent) && !tree.includes(p)) {
        tree.push(p);
        grew = true;
      }
    }
  }
  return tree;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `up`, waits until `after` devices have taken their write, then SIGKILLs the whole `pulumi`
 * tree at once (no chance to write a last checkpoint or remove the lock). Returns the pids killed,
 * which included the provider plugin, and the up's failure text.
 */
async function killMidUp(ts: TestStack, stackName: string, devs: EmulatedDevice[], after: number): Promise<{ killed: number[]; plugin: boolean; failure: string }> {
  const running = failureOf(ts.stack.up({ parallel: 2 * N }));
  let killed: number[] = [];
  let plugin = false;
  for (let waited = 0; killed.length === 0 && waited < 60_000; waited += 5) {
    await sleep(5);
    const writes = devs.reduce((s, d) => s + d.counts().write, 0);
    if (writes >= after) {
      killed = pulumiTree(stackName);
      plugin = killed.some((p) => argvOf(p).some((a) => a.endsWith("dynamic-provider/index.js")));
      for (const p of killed) process.kill(p, "SIGKILL");
    }
  }
  return { killed, plugin, failure: await running };
}

interface Scenario {
  emu: Emulator;
  devs: EmulatedDevice[];
  ts: TestStack;
  name: string;
}

async function scenario(name: string, skipCheckpoints: boolean): Promise<Scenario> {
  const emu = await startEmulator({ port: 0, devices: N, faults: { latencyMs: 5, serial: true } });
  const devs = emu.devices;
  const ts = await newStack(name, program(devs.map((d) => d.url)), { adminPassword: { value: ADMIN, secret: true }, sip: { value: SIP, secret: true } });
  if (skipCheckpoints) (ts.stack.workspace as LocalWorkspace).envVars.PULUMI_SKIP_CHECKPOINTS = "true";
  return { emu, devs, ts, name };
}

const writesOf = (devs: EmulatedDevice[]) => devs.map((d) => d.counts().write);
const isRight = (d: EmulatedDevice, i: number) => {
  const w = wanted(i);
  const m = d.main;
  return m.user === w.user && m.password === SIP && m.registration_interval === w.registrationInterval && m.transport === w.transport && m.proxy === w.proxy;
};

/**
 * A kill can land while the file backend rewrites the state, leaving `<stack>.json` cut short (the
 * CLI then says `failed to load checkpoint: EOF`). The guide's step for it: put back the previous
 * checkpoint, `<stack>.json.bak`, which the backend keeps beside it; create adopts the rest.
 */
function restoreTruncatedCheckpoint(ts: TestStack, stack: string): void {
  const stacks = path.join(ts.env.PULUMI_BACKEND_URL.replace(/^file:\/\//, ""), ".pulumi", "stacks");
  for (const project of fs.existsSync(stacks) ? fs.readdirSync(stacks) : []) {
    const file = path.join(stacks, project, `${stack}.json`);
    if (!fs.existsSync(file)) continue;
    try {
      JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      fs.copyFileSync(`${file}.bak`, file);
    }
  }
}

/** State as exported: the SIP accounts, and the pending operations. */
async function exported(ts: TestStack) {
  const deployment = (await ts.stack.exportStack()).deployment as { resources?: { type: string; id: string; outputs: Record<string, unknown> }[]; pending_operations?: unknown[] };
  const resources = deployment.resources ?? [];
  return { accounts: resources.filter((r) => r.type === TYPE), stack: resources.some((r) => r.type === "pulumi:pulumi:Stack"), pending: deployment.pending_operations ?? [] };
}

async function expectConverged(s: Scenario) {
  expect(s.devs.filter((d, i) => !isRight(d, i)).map((d) => d.url)).toEqual([]);
  const { accounts, pending } = await exported(s.ts);
  expect(pending).toEqual([]);
  expect(accounts.map((r) => r.id).sort()).toEqual(s.devs.map((d) => `${d.url}#sip-account`).sort());
  for (const r of accounts) {
    const i = s.devs.findIndex((d) => `${d.url}#sip-account` === r.id);
    const m = s.devs[i].main;
    expect(r.outputs).toMatchObject({ user: m.user, proxy: m.proxy, realm: m.realm, registrationInterval: m.registration_interval, transport: m.transport, h264: m.h264, stun: m.stun });
  }
  s.devs.forEach((d) => d.clearRequests());
  expect((await s.ts.stack.preview({ parallel: 2 * N })).changeSummary).toEqual({ same: N + 1 });
  expect(s.devs.reduce((sum, d) => sum + d.counts().total, 0)).toBe(0);
}

const scenarios: Scenario[] = [];
afterAll(async () => {
  for (const s of scenarios) {
    s.ts.dispose();
    await s.emu.stop();
  }
});

const LOCKED = "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.";
const PENDING_WARNING = (k: number) => `Attempting to deploy or update resources with ${k} pending operations from previous deployment.`;

test.each([
  ["checkpoints written after every step", false],
  ["PULUMI_SKIP_CHECKPOINTS=true", true],
])("SIGKILL in the middle of an up of 100 devices, %s: after the large-fleets guide's recovery the next up converges", async (_label, skip) => {
  const s = await scenario(skip ? "kill-skip" : "kill-checkpoints", skip as boolean);
  scenarios.push(s);
  const { killed, plugin, failure } = await killMidUp(s.ts, s.name, s.devs, N / 2);
  expect(failure).toContain("Command was killed with SIGKILL");
  expect(plugin).toBe(true); // the provider died with the CLI: no request finished after the kill
  expect(killed.length).toBeGreaterThanOrEqual(3);
  const writtenBeforeKill = writesOf(s.devs).filter((w) => w > 0).length;
  expect(writtenBeforeKill).toBeGreaterThanOrEqual(N / 2);

  // What the killed run left: with checkpoints, the finished creates and the in-flight ones as
  // pending; without, nothing at all (the state is written once, at the end).
  restoreTruncatedCheckpoint(s.ts, s.name);
  const left = await exported(s.ts);
  const recorded = new Set(left.accounts.map((r) => r.id));
  if (skip) {
    expect(left.accounts).toEqual([]);
    expect(left.pending).toEqual([]);
  } else {
    expect(left.pending.length).toBeGreaterThan(0);
    expect(recorded.size).toBeLessThanOrEqual(writtenBeforeKill);
  }
  // A recorded account is one whose device took the write.
  expect(s.devs.filter((d) => recorded.has(`${d.url}#sip-account`) && d.counts().write === 0)).toEqual([]);

  // 1. The lock of the killed run stays: the next up refuses, and `pulumi cancel` removes it.
  s.devs.forEach((d) => d.clearRequests());
  expect(await failureOf(s.ts.stack.up({ parallel: 2 * N }))).toContain(LOCKED);
  expect(s.devs.reduce((sum, d) => sum + d.counts().total, 0)).toBe(0);
  await s.ts.stack.cancel();

  // 2. The next up re-creates (adopts) what was not recorded, once each, and leaves the rest alone.
  const up = await s.ts.stack.up({ parallel: 2 * N });
  const stackRecorded = left.stack ? 1 : 0;
  expect(up.summary.resourceChanges).toEqual({ create: N - recorded.size + 1 - stackRecorded, ...(recorded.size + stackRecorded > 0 ? { same: recorded.size + stackRecorded } : {}) });
  expect(s.devs.map((d) => d.counts().write)).toEqual(s.devs.map((d) => (recorded.has(`${d.url}#sip-account`) ? 0 : 1)));
  const after = await exported(s.ts);
  if (skip) {
    expect(up.stdout).not.toContain("pending operations");
  } else {
    // 3. With checkpoints, the interrupted creates stay listed as pending until cleared; each was
    //    adopted again by step 2, so clearing them loses nothing.
    expect(up.stdout).toContain(PENDING_WARNING(left.pending.length));
    expect(after.pending.length).toBe(left.pending.length);
    await s.ts.stack.refresh({ parallel: 2 * N, clearPendingCreates: true });
  }
  await expectConverged(s);
});
