/**
 * Loaded with `NODE_OPTIONS=--require <this file>` by scripts/profile-fleet.js: in the `basip-fleet`
 * process, appends one line per child process it spawns (the `pulumi` CLIs) to `$BASIP_SPAWN_LOG`:
 * start and end in ms since start-up, duration and command; at exit, the process's own CPU seconds.
 * Other node processes that inherit NODE_OPTIONS (provider plugins) log only their exit line.
 */
"use strict";
const cp = require("child_process");
const fs = require("fs");

const file = process.env.BASIP_SPAWN_LOG;
if (file) {
  const t0 = Date.now();
  const isFleet = (process.argv[1] ?? "").endsWith("fleet/cli.js");
  const spawn = cp.spawn;
  cp.spawn = function (cmd, args, ...rest) {
    const start = Date.now();
    const child = spawn.call(this, cmd, args, ...rest);
    child.on("exit", () => fs.appendFileSync(file, `  ${start - t0}..${Date.now() - t0} ms (${Date.now() - start} ms) ${cmd} ${(args ?? []).slice(0, 3).join(" ")}\n`));
    return child;
  };
  if (isFleet) {
    process.on("exit", () => {
      const u = process.cpuUsage();
      fs.appendFileSync(file, `  basip-fleet ends at ${Date.now() - t0} ms, its own CPU ${((u.user + u.system) / 1e6).toFixed(2)} s\n`);
    });
  }
}
