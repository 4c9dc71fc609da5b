/**
 * The edges of the connection through the real engine: an `http://` endpoint warns once per device
 * in `preview` and `up`; `tlsFingerprint` accepts the pinned self-signed certificate of an HTTPS
 * emulator and refuses another one, naming both fingerprints; `deviceInfo` is read on create and
 * refresh only, so preview and a no-change `up` ask the device nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { Emulator, startEmulator } from "../../emulator";
import { SecondSipAccount, SipAccount } from "../../provider";
import { makeCert, type TestCert } from "../support/cert";
import { failureOf, newStack } from "./harness";

jest.setTimeout(240_000);

const ADMIN = "123456";
const account = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", stun: { ip: "stun.example.com", port: 3478 } };
const second = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1002" };
const config = { adminPassword: { value: ADMIN, secret: true }, sip: { value: "s3cret-1001", secret: true } };

/** Warnings about `url` in the run's Diagnostics section (the progress display repeats each one above it). */
const warningsIn = (text: string, url: string) =>
  text
    .slice(text.indexOf("Diagnostics:"))
    .split("\n")
    .filter((l) => l.includes(`warning: device ${url} is reached over plain HTTP`)).length;

describe("plain HTTP", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, devices: 2 });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  test("warns once per device in preview and in up; deviceInfo costs one request on create, none on a no-change up", async () => {
    const [a, b] = emu.devices;
    const program = async () => {
      const cfg = new pulumi.Config();
      const outs: Record<string, pulumi.Output<unknown>> = {};
      for (const [i, dev] of [a, b].entries()) {
        const device = { endpoint: dev.url, password: cfg.requireSecret("adminPassword") };
        const m = new SipAccount(`main-${i}`, { device, ...account, password: cfg.requireSecret("sip") });
        new SecondSipAccount(`second-${i}`, { device, ...second, password: cfg.requireSecret("sip") });
        outs[`info${i}`] = m.deviceInfo;
      }
      return outs;
    };
    const ts = await newStack("plainhttp", program, config);
    try {
      const preview = await ts.stack.preview();
      for (const dev of [a, b]) {
        // Two resources per device, one warning per device.
        expect(warningsIn(preview.stdout, dev.url)).toBe(1);
        expect(dev.counts().total).toBe(0);
      }
      expect(preview.stdout).toContain("the login sends the MD5 of the admin password in the URL");

      const up = await ts.stack.up();
      for (const dev of [a, b]) {
        expect(warningsIn(up.stdout, dev.url)).toBe(1);
        expect(dev.counts().info).toBe(1);
      }
      expect(up.outputs.info0.value).toEqual({ model: "AQ-07L", type: "panel", name: "Emulated BAS-IP 1", serialNumber: `EMU-${a.port}`, firmwareVersion: "2.11.0", apiVersion: "2.x" });
      expect(up.outputs.info1.value).toMatchObject({ name: "Emulated BAS-IP 2", serialNumber: `EMU-${b.port}` });

      for (const dev of [a, b]) dev.clearRequests();
      const again = await ts.stack.up();
      expect(again.summary.resourceChanges).toEqual({ same: 5 });
      for (const dev of [a, b]) expect(dev.counts().total).toBe(0);

      // Refresh reads the description again: one request per device, shared by its two accounts.
      a.info = { device_model: "AQ-10", firmware_version: "2.12.0" };
      await ts.stack.refresh();
      expect(a.counts().info).toBe(1);
      expect(b.counts().info).toBe(1);
      const exported = JSON.parse(ts.cli(["stack", "export"])) as { deployment: { resources: { urn: string; outputs?: { deviceInfo?: unknown } }[] } };
      const main0 = exported.deployment.resources.find((r) => r.urn.endsWith("::main-0"));
      expect(main0?.outputs?.deviceInfo).toEqual({ model: "AQ-10", firmwareVersion: "2.12.0" });
    } finally {
      ts.dispose();
    }
  });
});

describe("tlsFingerprint", () => {
  let emu: Emulator;
  let cert: TestCert;
  let other: TestCert;
  beforeAll(async () => {
    cert = makeCert();
    other = makeCert("impostor.invalid");
    emu = await startEmulator({ port: 0, tls: { key: cert.key, cert: cert.cert } });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  const pinnedProgram = (pin: string) => async () => {
    const cfg = new pulumi.Config();
    const device = { endpoint: emu.device().url, password: cfg.requireSecret("adminPassword"), tlsFingerprint: pin, retries: 0 };
    const m = new SipAccount("pinned", { device, ...account, password: cfg.requireSecret("sip") });
    return { info: m.deviceInfo };
  };

  test("the pinned certificate is accepted, pasted as openssl prints it; no plain-HTTP warning", async () => {
    const dev = emu.device();
    const ts = await newStack("pinned", pinnedProgram(cert.opensslLine), config);
    try {
      const up = await ts.stack.up();
      expect(up.summary.resourceChanges).toEqual({ create: 2 });
      expect(up.stdout).not.toContain("plain HTTP");
      expect(up.outputs.info.value).toMatchObject({ model: "AQ-07L" });
      expect(dev.main.user).toBe("1001");
    } finally {
      ts.dispose();
    }
  });

  test("a pin of another certificate is refused before any request, naming expected and received", async () => {
    const dev = emu.device();
    dev.clearRequests();
    const ts = await newStack("wrongpin", pinnedProgram(other.fingerprint.replace(/:/g, "").toLowerCase()), config);
    try {
      const text = await failureOf(ts.stack.up());
      expect(text).toContain(`TLS certificate fingerprint mismatch: expected ${other.fingerprint} (device.tlsFingerprint), received ${cert.fingerprint}`);
      // The device saw nothing, not even the login with its password hash.
      expect(dev.counts().total).toBe(0);
    } finally {
      ts.dispose();
    }
  });
});
