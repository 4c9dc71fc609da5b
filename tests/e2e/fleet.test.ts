/**
 * The fleet program (`fleet()`, pulumi-basip/fleet) with the real CLI against five emulated devices: the
 * first up, a fleet-wide change while one device is offline (it fails, naming the device; the others
 * apply), convergence once the device is back, and an invalid inventory refused at preview.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Emulator, EmulatedDevice, startEmulator } from "../../emulator";
import { fleet } from "../../fleet/program";
import { failureOf, newStack, TestStack } from "./harness";

jest.setTimeout(300_000);

const ADMIN = "123456";
const SECRETS = { siteA: "s3cret-site-a", siteB: "s3cret-site-b", dev1: "s3cret-dev-1", second4: "s3cret-dev-4b" };

let emu: Emulator;
let devs: EmulatedDevice[];
let ts: TestStack;
let dir: string;
let inventoryPath: string;

/** Five devices in two sites; dev-4 has both accounts. */
function inventory(interval: number | string): string {
  const item = (i: number, extra = "") => `      - name: dev-${i}\n        endpoint: ${devs[i].url}\n        user: "${1000 + i}"\n${extra}`;
  return [
    "# written by tests/e2e/fleet.test.ts",
    "sites:",
    "  a:",
    "    defaults:",
    "      sip:",
    "        proxy: sip:pbx-a.example.com",
    "        realm: pbx-a.example.com",
    "        stun: {ip: stun.example.com, port: 3478}",
    "        transport: udp",
    `        registrationInterval: ${interval}`,
    "    devices:",
    item(0) + item(1) + item(2).trimEnd(),
    "  b:",
    "    defaults:",
    "      sip:",
    "        proxy: sip:10.20.0.5",
    "        realm: 10.20.0.5",
    "        stun: {ip: 10.20.0.5, port: 3478}",
    "        transport: tcp",
    `        registrationInterval: ${interval}`,
    "      sip2:",
    "        proxy: sip:pbx2.example.com",
    "        realm: pbx2.example.com",
    "        registrationInterval: 600",
    "    devices:",
    item(3) + item(4, "        accounts: both\n").trimEnd(),
    "",
  ].join("\n");
}

/** The 1-based line of the `nth` line of `text` containing `needle`. */
const lineOf = (text: string, needle: string, nth = 0) => text.split("\n").flatMap((l, i) => (l.includes(needle) ? [i + 1] : []))[nth];
const writeInventory = (interval: number | string) => fs.writeFileSync(inventoryPath, inventory(interval));
const totals = () => devs.map((d) => d.counts());
const clearAll = () => devs.forEach((d) => d.clearRequests());

beforeAll(async () => {
  emu = await startEmulator({ port: 0, devices: 5 });
  devs = Array.from({ length: 5 }, (_, i) => emu.device(i));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-fleet-"));
  inventoryPath = path.join(dir, "inventory.yaml");
  writeInventory(300);
  // An inventory problem is logged as an error diagnostic, which fails the run with the message shown
  // (an exception thrown by an inline program would also reach jest's unhandled-rejection handler).
  const program = async () => {
    try {
      return fleet(inventoryPath);
    } catch (e) {
      await pulumi.log.error((e as Error).message);
      return {};
    }
  };
  ts = await newStack("fleet", program, {
    adminPassword: { value: ADMIN, secret: true },
    // Per-site SIP passwords, one per-device override, and the second account's password.
    "sipSite:a": { value: SECRETS.siteA, secret: true },
    "sipSite:b": { value: SECRETS.siteB, secret: true },
    "sip:dev-1": { value: SECRETS.dev1, secret: true },
    "sip2:dev-4": { value: SECRETS.second4, secret: true },
  });
});

afterAll(async () => {
  ts?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await emu?.stop();
});

test("up applies the whole inventory, with the passwords from stack config", async () => {
  const up = await ts.stack.up({ parallel: 10 });
  expect(up.summary.resourceChanges).toEqual({ create: 7 }); // stack + 5 main + 1 second
  expect(devs.map((d) => d.main.registration_interval)).toEqual([300, 300, 300, 300, 300]);
  expect(devs.map((d) => d.main.user)).toEqual(["1000", "1001", "1002", "1003", "1004"]);
  expect(devs.map((d) => d.main.password)).toEqual([SECRETS.siteA, SECRETS.dev1, SECRETS.siteA, SECRETS.siteB, SECRETS.siteB]);
  expect(devs[3].main).toMatchObject({ proxy: "sip:10.20.0.5", transport: "tcp" });
  expect(devs[4].second).toMatchObject({ proxy: "sip:pbx2.example.com", user: "1004", password: SECRETS.second4, registration_interval: 600 });
  expect(Object.keys(up.outputs.devices.value)).toEqual(["dev-0", "dev-1", "dev-2", "dev-3", "dev-4"]);
  expect(up.outputs.devices.value["dev-4"]).toMatchObject({ site: "b", main: `${devs[4].url}#sip-account`, second: `${devs[4].url}#second-sip-account` });
  const exported = ts.cli(["stack", "export"]);
  for (const s of [ADMIN, ...Object.values(SECRETS)]) expect(exported).not.toContain(s);
});

test("with one device offline, a fleet-wide change fails for that device alone; the next up converges", async () => {
  const down = devs[2];
  await down.setDown(true);
  writeInventory(600);
  clearAll();
  const text = await failureOf(ts.stack.up({ parallel: 10, continueOnError: true }));
  expect(text).toContain(down.url);
  // The four reachable devices took the change; the offline one kept its old value.
  expect(devs.map((d) => d.main.registration_interval)).toEqual([600, 600, 300, 600, 600]);
  expect(devs[4].second.registration_interval).toBe(600); // untouched account
  expect(totals().map((c) => c.write)).toEqual([1, 1, 0, 1, 1]);

  await down.setDown(false);
  clearAll();
  const preview = await ts.stack.preview();
  expect(preview.changeSummary).toEqual({ same: 6, update: 1 });
  const up = await ts.stack.up({ parallel: 10 });
  expect(up.summary.resourceChanges).toEqual({ same: 6, update: 1 });
  expect(totals().map((c) => c.write)).toEqual([0, 0, 1, 0, 0]);
  expect(devs.map((c) => c.main.registration_interval)).toEqual([600, 600, 600, 600, 600]);
  expect((await ts.stack.preview()).changeSummary).toEqual({ same: 7 });
});

test("an invalid inventory fails at preview naming the file, device and field, with no device request", async () => {
  writeInventory(10);
  const written = inventory(10);
  clearAll();
  const text = await failureOf(ts.stack.preview());
  for (const i of [0, 1, 2, 3, 4]) {
    const line = lineOf(written, "registrationInterval: 10", i < 3 ? 0 : 1);
    expect(text).toContain(`${inventoryPath}:${line}: device dev-${i}: sip.registrationInterval: must be a number from 30 to 900, got 10 (from the defaults of site ${i < 3 ? "a" : "b"})`);
  }
  expect(totals().map((c) => c.total)).toEqual([0, 0, 0, 0, 0]);

  const withSecret = inventory(600).replace(`        user: "1003"\n`, `        user: "1003"\n        sip:\n          password: oops-plain\n`);
  fs.writeFileSync(inventoryPath, withSecret);
  const secretText = await failureOf(ts.stack.preview());
  expect(secretText).toContain(`${inventoryPath}:${lineOf(withSecret, "oops-plain")}: device dev-3: sip.password: secrets must not be in the inventory file`);
  expect(secretText).not.toContain("oops-plain");
  expect(totals().map((c) => c.total)).toEqual([0, 0, 0, 0, 0]);
  writeInventory(600);
});
