/**
 * How this repository runs the real Pulumi engine locally (demo, bench, e2e tests): the pinned CLI
 * from scripts/pulumi-cli.sh and the environment of a file backend that never reaches a service.
 */
const { spawnSync } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
let binDir;

/** Directory of `pulumi` and the plugin script; builds the pinned CLI once if needed (progress on stderr). */
function pulumiBinDir() {
  if (binDir === undefined) {
    const res = spawnSync("bash", [path.join(ROOT, "scripts/pulumi-cli.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    process.stderr.write(res.stderr ?? "");
    if (res.status !== 0) throw new Error(`no Pulumi CLI (scripts/pulumi-cli.sh failed):\n${res.stderr}`);
    binDir = res.stdout.trim().split("\n").pop();
  }
  return binDir;
}

/** Environment for a stack whose state lives in `stateDir`; also puts the CLI on this process's PATH. */
function localEngineEnv(stateDir, passphrase) {
  const env = {
    PATH: `${pulumiBinDir()}${path.delimiter}${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_HOME: path.join(stateDir, ".pulumi-home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
  };
  // The Automation API looks `pulumi` up on this process's PATH.
  process.env.PATH = env.PATH;
  return env;
}

module.exports = { pulumiBinDir, localEngineEnv };
