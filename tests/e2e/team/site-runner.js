/**
 * One site's `pulumi up` (or preview, or just stack init) as a separate process, the way a team's CI jobs run: the
 * Automation API fleet path against a shared state backend. Input: one JSON argument (see `Job` in
 * team.test.ts). Output: one JSON line {ok, phase, changes?, message?}; exit code 0 when ok.
 * The backend is checked first: an unreachable one fails here, before any workspace or stack exists.
 */
const fs = require("fs");
const os = require("os");
const path = require("path");
const { LocalWorkspace } = require("@pulumi/pulumi/automation");
const pulumi = require("@pulumi/pulumi");
const basip = require("pulumi-basip");
const { checkBackend, redactText } = require("pulumi-basip/backend");
const { pulumiBinDir } = require("../../../scripts/local-engine");

const ROOT = path.resolve(__dirname, "../../..");

function finish(result) {
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exitCode = result.ok ? 0 : 1;
}

/** Per device of the site: both accounts, SIP password from stack config, admin password from basip:password. */
const programOf = (job) => async () => {
  const cfg = new pulumi.Config();
  for (const d of job.devices) {
    const device = { endpoint: d.endpoint, retries: 0 };
    new basip.SipAccount(d.name, {
      device,
      proxy: "sip:pbx.example.com",
      realm: "pbx.example.com",
      user: d.user,
      password: cfg.requireSecret("sip"),
      stun: { ip: "stun.example.com", port: 3478 },
      registrationInterval: job.registrationInterval,
      transport: "tls",
    });
    new basip.SecondSipAccount(d.name, { device, proxy: "sip:pbx2.example.com", realm: "pbx2.example.com", user: d.user, password: cfg.requireSecret("sip") });
  }
};

async function main(job) {
  const pre = await checkBackend(job.backendUrl, { timeoutMs: 3000 });
  if (!pre.ok) return finish({ ok: false, phase: "backend", message: pre.message });

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `basip-team-${job.stack}-`));
  try {
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(workDir, "node_modules"), "dir");
    const envVars = {
      PATH: `${pulumiBinDir()}${path.delimiter}${process.env.PATH}`,
      PULUMI_BACKEND_URL: job.backendUrl,
      PULUMI_CONFIG_PASSPHRASE: job.passphrase,
      PULUMI_HOME: path.join(workDir, ".pulumi-home"), // each job is its own machine
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    process.env.PATH = envVars.PATH;
    const stack = await LocalWorkspace.createOrSelectStack(
      { projectName: job.project, stackName: job.stack, program: programOf(job) },
      { workDir, projectSettings: { name: job.project, runtime: "nodejs" }, envVars },
    );
    await stack.setAllConfig({ sip: { value: job.sipPassword, secret: true }, "basip:password": { value: job.adminPassword, secret: true } });
    if (job.op === "init") return finish({ ok: true, phase: "run" });
    const res = job.op === "preview" ? await stack.preview() : await stack.up();
    finish({ ok: true, phase: "run", changes: job.op === "preview" ? res.changeSummary : res.summary.resourceChanges });
  } catch (e) {
    const text = `${e.commandResult?.stderr ?? ""}\n${e.commandResult?.stdout ?? ""}\n${e.message ?? e}`;
    finish({ ok: false, phase: "run", message: redactText(text, job.backendUrl) });
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main(JSON.parse(process.argv[2])).catch((e) => finish({ ok: false, phase: "runner", message: String(e?.stack ?? e) }));
