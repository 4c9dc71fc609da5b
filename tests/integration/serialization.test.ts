/**
 * The dynamic provider objects as Pulumi serializes them into every resource's state: small, free of
 * secrets, of this repo's paths and of dependency sources, requiring only `pulumi-basip/runtime`; and
 * the text works when loaded the way Pulumi's dynamic-provider host loads it, in a fresh node
 * process of a separate project that has the package installed from a local folder.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type EmulatedDevice, type Emulator } from "../../emulator";
import { closeAllClients } from "../../provider/client/sessions";
import { secondSipAccountProvider, sipAccountProvider } from "../../provider/resources/dynamic";

const run = promisify(execFile);
const REPO = path.resolve(__dirname, "..", "..");
const REQUIRE_FROM_STRING = path.join(REPO, "node_modules", "require-from-string");
const ADMIN_PASSWORD = "123456";

type Provider = pulumi.dynamic.ResourceProvider;

/** The dist build is what users run; the TypeScript source is what jest loads. Both must serialize alike. */
const dist = require(path.join(REPO, "dist", "provider", "resources", "dynamic.js")) as { sipAccountProvider: Provider; secondSipAccountProvider: Provider };

const cases: [string, Provider, "main" | "second"][] = [
  ["sipAccountProvider (source)", sipAccountProvider, "main"],
  ["secondSipAccountProvider (source)", secondSipAccountProvider, "second"],
  ["sipAccountProvider (dist)", dist.sipAccountProvider, "main"],
  ["secondSipAccountProvider (dist)", dist.secondSipAccountProvider, "second"],
];

const serialize = (p: Provider) => pulumi.runtime.serializeFunction(() => p, { allowSecrets: true });

describe.each(cases)("%s serialized", (_name, provider, kind) => {
  let text: string;
  let containsSecrets: boolean;
  beforeAll(async () => {
    ({ text, containsSecrets } = await serialize(provider));
  });

  it("is small and holds no secret", () => {
    expect(text.length).toBeGreaterThan(200);
    expect(text.length).toBeLessThan(4096);
    expect(containsSecrets).toBe(false);
  });

  it("captures no dependency source and no path of this repo", () => {
    for (const s of ["io-ts", "fp-ts", "node-fetch", "TaskEither", "isDeepStrictEqual", "createHash", "lifecycle", "WebPass"]) expect(text).not.toContain(s);
    expect(text).not.toContain(REPO);
    expect(text).not.toContain(ADMIN_PASSWORD);
  });

  it('requires nothing but "pulumi-basip/runtime", once per method', () => {
    const targets = [...text.matchAll(/require\s*\(([^)]*)\)/g)].map((m) => m[1].trim());
    expect(targets).toHaveLength(7);
    expect(new Set(targets)).toEqual(new Set(['"pulumi-basip/runtime"']));
    expect(text).not.toMatch(/\bimport\s*\(/);
  });

  it(`calls the runtime's ${kind} implementation for every method`, () => {
    for (const m of ["check", "diff", "create", "read", "update", "delete"]) expect(text).toContain(`require("pulumi-basip/runtime").${kind}.${m}(`);
    expect(text).toContain('require("pulumi-basip/runtime").configure(');
    expect(text).not.toContain(`.${kind === "main" ? "second" : "main"}.`);
    expect(text).toMatch(/^exports\.handler = __f0;/);
  });
});

it("source and dist serialize to the same text", async () => {
  expect((await serialize(sipAccountProvider)).text).toBe((await serialize(dist.sipAccountProvider)).text);
  expect((await serialize(secondSipAccountProvider)).text).toBe((await serialize(dist.secondSipAccountProvider)).text);
});

// ---- loading the text as Pulumi's host does, in a separate project ---------------------------------

/** Loads the serialized text from a file exactly as the dynamic-provider host does and runs check + create. */
const HOST_SCRIPT = `
const fs = require("fs");
const requireFromString = require(process.env.RFS);
const provider = requireFromString(fs.readFileSync(process.env.TEXT_FILE, "utf8")).handler();
(async () => {
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

  async function host(cwd: string, provider: Provider, inputs: Record<string, unknown>) {
    const { text } = await serialize(provider);
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
    const { stdout } = await host(sample, sipAccountProvider, inputs);
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
    const { stdout } = await host(sample, secondSipAccountProvider, inputs);
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

  it("fails to load where pulumi-basip is not installed (nothing of it is inlined)", async () => {
    const mark = dev.requests.length;
    const err = await host(empty, sipAccountProvider, { device: { endpoint: dev.url }, devicePassword: ADMIN_PASSWORD }).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(err).toBeDefined();
    expect(err?.code).toBe(3);
    expect(err?.stderr).toContain("Cannot find module 'pulumi-basip/runtime'");
    expect(dev.requests.length).toBe(mark);
  });
});
