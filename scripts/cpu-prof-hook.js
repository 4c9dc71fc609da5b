/**
 * Loaded with `NODE_OPTIONS=--require <this file>` by scripts/profile-provider.js (Node 20 refuses
 * `--cpu-prof` in NODE_OPTIONS). In the dynamic-provider process only, it profiles from the start and
 * writes `<BASIP_CPU_PROF_DIR>/provider-<pid>.cpuprofile` when the engine stops the plugin (SIGINT or
 * SIGTERM) or the process exits.
 */
"use strict";
const fs = require("fs");
const inspector = require("inspector");
const path = require("path");

if ((process.argv[1] ?? "").includes("dynamic-provider") && process.env.BASIP_CPU_PROF_DIR) {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // The main-thread session answers synchronously, so this completes before the process ends.
    session.post("Profiler.stop", (err, res) => {
      if (!err) fs.writeFileSync(path.join(process.env.BASIP_CPU_PROF_DIR, `provider-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  };
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      write();
      process.exit(0);
    });
  }
  process.on("exit", write);
}
