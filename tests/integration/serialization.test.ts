/**
 * The `__provider` text stored in every resource's state (provider/resources/dynamic.ts): small, free
 * of secrets, of this repo's paths and of dependency sources, requiring only `pulumi-basip/runtime`;
 * it works when loaded the way Pulumi's dynamic-provider host loads it, in a fresh node process of a
 * separate project that has the package installed from a local folder; and the runtime still serves
 * the text that Pulumi's closure serializer wrote for earlier versions (states in the field hold it).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { startEmulator, type EmulatedDevice, type Emulator } from "../../emulator";
import type { AccountKind } from "../../provider/schema/accounts";
import { closeAllClients } from "../../provider/client/sessions";
import { PROVIDER_TEXT } from "../../provider/resources/dynamic";
import { legacyText } from "../support/legacy-provider";

const run = promisify(execFile);
const REPO = path.resolve(__dirname, "..", "..");
const REQUIRE_FROM_STRING = path.join(REPO, "node_modules", "require-from-string");
const ADMIN_PASSWORD = "123456";
const METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"];

/** The dist build is what users run; the TypeScript source is what jest loads. Both must hold the same text. */
const dist = require(path.join(REPO, "dist", "provider", "resources", "dynamic.js")) as { PROVIDER_TEXT: typeof PROVIDER_TEXT };

describe.each(["main", "second"] as const)("the %s account's __provider text", (kind) => {
  const text = PROVIDER_TEXT[kind];

  it("is one short line, the same in source and dist, and over 20 times smaller than the serializer's", () => {
    expect(text).toBe(dist.PROVIDER_TEXT[kind]);
    expect(text.split("\n").filter((l) => l !== "")).toHaveLength(1);
    expect(text.length).toBeLessThan(100);
    expect(legacyText(kind).length).toBeGreaterThan(20 * text.length);
  });

  it("captures no dependency source, no secret and no path of this repo", () => {
    for (const s of ["io-ts", "fp-ts", "node-fetch", "isDeepStrictEqual", "createHash", "lifecycle", "WebPass", ADMIN_PASSWORD, REPO]) expect(text).not.toContain(s);
  });

  it(`requires nothing but "pulumi-basip/runtime" and hands the host its ${kind} provider, with every method`, () => {
    const targets = [...text.matchAll(/require\s*\(([^)]*)\)/g)].map((m) => m[1].trim());
    expect(targets).toEqual(['"pulumi-basip/runtime"']);
    expect(text).not.toMatch(/\bimport\s*\(/);
    expect(text).toBe(`exports.handler = () => require("pulumi-basip/runtime").providers.${kind};\n`);
    const provider = require(REQUIRE_FROM_STRING)(text).handler() as Record<string, unknown>;
    expect(METHODS.filter((m) => typeof provider[m] === "function")).toEqual(METHODS);
    expect(Object.keys(provider).sort()).toEqual([...METHODS].sort());
  });
});

// ---- loading the text as Pulumi's host does, in a separate project ---------------------------------

/** Loads the serialized text from a file exactly as the dynamic-provider host does and runs check + create. */
const HOST_SCRIPT = `
const fs = require("fs");
const requireFromString = require(process.env.RFS);
(async () => {
  // Inside the async block, as the host calls it inside each RPC: a failure is the RPC's error.
  const provider = requireFromString(fs.readFileSync(process.env.TEXT_FILE, "utf8")).handler();
  await provider.configure({ config: { get: () => undefined } });
  const checked = await provider.check({}, JSON.parse(process.env.INPUTS));
  if (checked.failures.length > 0) throw new Error("check failed: " + JSON.stringify(checked.failures));
  const created = await provider.create(checked.inputs);
  const runtimePath = require.resolve("pulumi-basip/runtime", { paths: [process.cwd()] });
  process.stdout.write(JSON.stringify({ created, runtimePath: fs.realpathSync(runtimePath) }));
})().catch((e) => { process.stderr.write(String(e && e.message)); process.exit(3); });
`;

describe("loaded by a fresh node process in a sample project", () => {
  let emu: Emulator;
  let dev: EmulatedDevice;
  let sample: string;
  let empty: string;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    dev = emu.device();
    sample = fs.mkdtempSync(path.join(os.tmpdir(), "basip-sample-"));
    fs.writeFileSync(
      path.join(sample, "package.json"),
      JSON.stringify({ name: "sample", version: "1.0.0", dependencies: { "pulumi-basip": `file:${REPO}` } }, null, 2),
    );
    // What `npm install` does for a `file:` dependency: a symlink to the folder.
    fs.mkdirSync(path.join(sample, "node_modules"));
    fs.symlinkSync(REPO, path.join(sample, "node_modules", "pulumi-basip"), "dir");
    empty = fs.mkdtempSync(path.join(os.tmpdir(), "basip-empty-"));
  });

  afterAll(async () => {
    closeAllClients();
    await emu.stop();
    fs.rmSync(sample, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  });

  /** Runs the host script in `cwd` on the current text of `kind`, or on the text an earlier version stored. */
  async function host(cwd: string, kind: AccountKind, inputs: Record<string, unknown>, stored: "current" | "legacy" = "current") {
    const text = stored === "current" ? PROVIDER_TEXT[kind] : legacyText(kind);
    const textFile = path.join(cwd, `provider-${Date.now()}-${Math.random().toString(16).slice(2)}.js.txt`);
    fs.writeFileSync(textFile, text);
    const env: NodeJS.ProcessEnv = { ...process.env, RFS: REQUIRE_FROM_STRING, TEXT_FILE: textFile, INPUTS: JSON.stringify(inputs) };
    delete env.BASIP_PASSWORD;
    delete env.BASIP_USERNAME;
    delete env.NODE_PATH;
    return run(process.execPath, ["-e", HOST_SCRIPT], { cwd, env, timeout: 15_000 });
  }

  it("creates the main account through the installed package", async () => {
    const inputs = {
      device: { endpoint: dev.url },
      devicePassword: ADMIN_PASSWORD,
      proxy: "sip:pbx.example.com",
      realm: "pbx.example.com",
      user: "1001",
      password: "s3cret-1001",
      stun: { ip: "stun.example.com", port: 3478 },
      registrationInterval: 300,
      transport: "udp",
    };
    const mark = dev.requests.length;
    const { stdout } = await host(sample, "main", inputs);
    const out = JSON.parse(stdout);
    expect(out.created.id).toBe(`${dev.url}#sip-account`);
    // check's change markers (a new resource: first password, first admin password) are kept in outputs;
    // the device's registration status is read after the write (its answer depends on timing).
    expect(out.created.outs).toEqual({
      ...inputs,
      h264: 102,
      passwordVersion: 1,
      devicePasswordVersion: 1,
      deviceInfo: expect.objectContaining({ model: "AQ-07L" }),
      registration: expect.objectContaining({ status: expect.stringMatching(/^(OK|ERROR)$/) }),
    });
    expect(out.runtimePath).toBe(fs.realpathSync(path.join(REPO, "dist", "provider", "resources", "runtime.js")));
    expect(dev.main).toEqual({
      proxy: "sip:pbx.example.com",
      realm: "pbx.example.com",
      user: "1001",
      password: "s3cret-1001",
      stun: { ip: "stun.example.com", port: 3478 },
      registration_interval: 300,
      h264: 102,
      transport: "udp",
    });
    const log = dev.requests.slice(mark);
    const accountLog = log.filter((r) => r.kind !== "info");
    // Every field is set: no adopt read before the write.
    expect(accountLog.map((r) => r.path)).toEqual(["/api/v1/login", "/api/v1/device/sip/settings", "/api/v1/device/sip/settings", "/api/v1/sip/status"]);
    expect(accountLog.map((r) => r.kind)).toEqual(["login", "write", "read", "read"]);
    expect(log.filter((r) => r.kind === "info")).toHaveLength(1);
    expect(dev.receivedWebPass()).toBe(false);
  });

  it("creates the second account through the installed package", async () => {
    const inputs = {
      device: { endpoint: dev.url },
      devicePassword: ADMIN_PASSWORD,
      proxy: "sip:pbx2.example.com",
      realm: "pbx2.example.com",
      user: "1001",
      password: "s3cret-1001b",
      userId: "1001",
      outbound: "",
    };
    const { stdout } = await host(sample, "second", inputs);
    const out = JSON.parse(stdout);
    expect(out.created.id).toBe(`${dev.url}#second-sip-account`);
    expect(out.created.outs).toEqual({ ...inputs, passwordVersion: 1, devicePasswordVersion: 1, deviceInfo: expect.objectContaining({ model: "AQ-07L" }) });
    expect(dev.second).toEqual({
      proxy: "sip:pbx2.example.com",
      realm: "pbx2.example.com",
      user: "1001",
      password: "s3cret-1001b",
      transport: "udp",
      user_id: "1001",
      registration_interval: 60,
      outbound: "",
    });
    expect(dev.receivedWebPass()).toBe(false);
  });

  it("still serves the text an earlier version stored (the serializer's, calling main/second/configure)", async () => {
    const inputs = { device: { endpoint: dev.url }, devicePassword: ADMIN_PASSWORD, proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1009", password: "s3cret-1009", stun: { ip: "stun.example.com", port: 3478 } };
    const out = JSON.parse((await host(sample, "main", inputs, "legacy")).stdout);
    expect(out.created.id).toBe(`${dev.url}#sip-account`);
    expect(dev.main.user).toBe("1009");
  });

  it("fails to load where pulumi-basip is not installed (nothing of it is inlined)", async () => {
    const mark = dev.requests.length;
    const err = await host(empty, "main", { device: { endpoint: dev.url }, devicePassword: ADMIN_PASSWORD }).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(err).toBeDefined();
    expect(err?.code).toBe(3);
    expect(err?.stderr).toContain("Cannot find module 'pulumi-basip/runtime'");
    expect(dev.requests.length).toBe(mark);
  });
});
