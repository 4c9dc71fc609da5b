/** Where test workers record texts and secrets for the sweep: one directory per jest run (its main process). */
const os = require("os");
const path = require("path");

function sweepDir() {
  if (process.env.BASIP_SWEEP_DIR === undefined) process.env.BASIP_SWEEP_DIR = path.join(os.tmpdir(), `basip-sweep-${process.pid}`);
  return process.env.BASIP_SWEEP_DIR;
}

module.exports = { sweepDir };
