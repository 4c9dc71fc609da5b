#!/usr/bin/env node
/**
 * `npm start`: the quickstart (root Pulumi.yaml) against an emulated device, with the real Pulumi
 * engine and a project-local file backend. Starts the emulator on loopback, previews with the diff,
 * runs `up`, shows what the device holds, shows that a second preview has nothing to do, and stops
 * everything it started.
 *
 * It uses the Automation API with the quickstart as an inline program, which needs only the `pulumi`
 * binary (scripts/pulumi-cli.sh provides it). With a full Pulumi install, `pulumi up` in this folder
 * runs the same program.
 */
const fs = require("fs");
const path = require("path");
const { localEngineEnv } = require("../tests/support/local-engine");

const ROOT = path.resolve(__dirname, "..");
const STATE = path.join(ROOT, ".pulumi-state");
const STACK = "demo";
// A fixed passphrase is fine here: it protects a throw-away demo stack on this machine only.
const PASSPHRASE = "pulumi-basip-demo";

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (n, s) => console.log(`\n${bold(`== ${n}. ${s}`)}`);

async function main() {
  if (!fs.existsSync(path.join(ROOT, "dist/provider/index.js"))) {
    console.error("dist/ is missing: run `npm ci` (it builds the package) first.");
    process.exit(1);
  }
  let env;
  try {
    env = localEngineEnv(STATE, PASSPHRASE);
  } catch {
    process.exit(1);
  }
  const { LocalWorkspace } = require("@pulumi/pulumi/automation");
  const { startEmulator } = require(path.join(ROOT, "dist/emulator"));
  const { quickstart } = require(path.join(ROOT, "dist/examples/quickstart/program"));
  const { DeviceClient, DEVICE_DEFAULTS } = require(path.join(ROOT, "dist/provider"));
  const { UnknownRecord } = require("io-ts");

  step(1, "Starting an emulated BAS-IP device on loopback");
  const emu = await startEmulator({ port: 0 });
  const dev = emu.device();
  console.log(`device listening on ${dev.url} (admin / 123456)`);

  let failed = false;
  try {
    fs.rmSync(STATE, { recursive: true, force: true });
    fs.mkdirSync(STATE, { recursive: true });
    const stack = await LocalWorkspace.createOrSelectStack(
      { projectName: "basip-quickstart", stackName: STACK, program: async () => quickstart() },
      { workDir: ROOT, envVars: env },
    );
    await stack.setAllConfig({
      endpoint: { value: dev.url },
      adminPassword: { value: "123456", secret: true },
      sipPassword: { value: "demo-sip-1001", secret: true },
      secondSipPassword: { value: "demo-sip-1001b", secret: true },
    });

    step(2, "pulumi preview --diff (no device is touched)");
    const preview = await stack.preview({ diff: true });
    console.log(preview.stdout.trim());
    console.log(`device requests during preview: ${dev.counts().total}`);

    step(3, "pulumi up");
    const up = await stack.up({ onOutput: (s) => process.stdout.write(s) });
    console.log(`\nchanges: ${JSON.stringify(up.summary.resourceChanges)}`);

    step(4, "What the device now holds (a GET as any client sees it)");
    const client = new DeviceClient({ endpoint: dev.url, username: "admin", password: "123456" });
    const main = await client.get("read SIP account", DEVICE_DEFAULTS.mainAccountPath, UnknownRecord);
    const second = await client.get("read second SIP account", DEVICE_DEFAULTS.secondAccountPath, UnknownRecord);
    client.close();
    console.log(`main account:   ${JSON.stringify(main)}`);
    console.log(`second account: ${JSON.stringify(second)}`);
    console.log(`The device answers "WebPass"; it stores the real passwords: ${dev.main.password === "demo-sip-1001" && dev.second.password === "demo-sip-1001b" ? "yes" : "NO"}`);

    step(5, "A second preview: nothing to do");
    dev.clearRequests();
    const again = await stack.preview({ diff: true });
    console.log(`changes: ${JSON.stringify(again.changeSummary)}; device requests: ${dev.counts().total}`);
    const unchanged = Object.keys(again.changeSummary).every((k) => k === "same");
    if (!unchanged) throw new Error("the second preview reported changes");
    console.log(`\nState is in ${path.relative(process.cwd(), STATE) || STATE}/ (file backend). Point the same program at a real device with:`);
    console.log("  pulumi config set endpoint http://<device>; pulumi config set --secret adminPassword ...");
  } catch (e) {
    failed = true;
    console.error(`\ndemo failed: ${e.message}`);
  } finally {
    step(6, "Stopping the emulator");
    await emu.stop();
    console.log("stopped.");
  }
  process.exit(failed ? 1 : 0);
}

main();
