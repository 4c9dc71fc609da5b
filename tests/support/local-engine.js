/**
 * How this repository runs the real Pulumi engine locally (e2e tests, and the demo, bench and
 * profiling scripts, which require this module): the pinned CLI from scripts/pulumi-cli.sh and the
 * environment of a file backend that never reaches a service. Plain JavaScript so that scripts run
 * by node load it as they are; its types are in local-engine.d.ts.
 */
const { execFileSync, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "../..");
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

let command;
/**
 * The pinned CLI as the Automation API drives it, made once per process: each workspace would
 * otherwise run `pulumi version` to check a CLI we pinned ourselves.
 */
function pulumiCommand() {
  if (command === undefined) {
    const { PulumiCommand } = require("@pulumi/pulumi/automation");
    command = PulumiCommand.get({ root: path.dirname(pulumiBinDir()), skipVersionCheck: true });
  }
  return command;
}

/**
 * A fresh stack of an inline program in a temporary project whose node_modules is this repository's:
 * the dynamic-provider plugin runs with cwd = project and resolves @pulumi/pulumi and pulumi-basip
 * from there, as in a user's project. `cli(args)` runs the `pulumi` binary itself on that stack.
 */
async function newLocalStack({ project, name, program, config = {}, passphrase }) {
  const { LocalWorkspace } = require("@pulumi/pulumi/automation");
  // The same engine channel as basip-fleet's, so that a transient UNAVAILABLE cannot empty a test stack.
  require(path.join(ROOT, "dist/fleet/engine-connection.js")).steadyEngineConnection();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `${project}-${name}-`));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(workDir, "node_modules"), "dir");
  fs.mkdirSync(path.join(workDir, "state"));
  const env = localEngineEnv(path.join(workDir, "state"), passphrase);
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName: project, stackName: name, program },
    { workDir, projectSettings: { name: project, runtime: "nodejs" }, envVars: env, pulumiCommand: await pulumiCommand() },
  );
  await stack.setAllConfig(config);
  return {
    stack,
    workDir,
    env,
    cli: (args) =>
      execFileSync(path.join(pulumiBinDir(), "pulumi"), [...args, "--stack", name, "--non-interactive"], {
        cwd: workDir,
        env: { ...process.env, ...env },
        encoding: "utf8",
      }),
    dispose: () => fs.rmSync(workDir, { recursive: true, force: true }),
  };
}

module.exports = { pulumiBinDir, localEngineEnv, newLocalStack };
