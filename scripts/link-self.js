#!/usr/bin/env node
// Makes `require("pulumi-basip/...")` resolve from this repository's root as it does in a user's
// project. The serialized dynamic provider requires the package by name from the project directory,
// and the root Pulumi.yaml program (the quickstart) runs here, so the package must be "installed" in
// its own node_modules: a symlink, as `npm link` would make.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-basip");
let linked = false;
try {
  linked = path.resolve(path.dirname(link), fs.readlinkSync(link)) === root;
  if (!linked) fs.unlinkSync(link);
} catch (e) {
  if (e.code !== "ENOENT") throw e;
}
if (!linked) {
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(path.relative(path.dirname(link), root), link, "dir");
}

// npm links the bins of dependencies, not of the root package: link ours so `npx basip-emulator` and
// `npx basip-fleet` work in this repository as they do in a user's project.
for (const [name, rel] of [
  ["basip-emulator", "dist/emulator/cli.js"],
  ["basip-fleet", "dist/fleet/cli.js"],
]) {
  const cli = path.join(root, rel);
  const bin = path.join(root, "node_modules", ".bin", name);
  if (!fs.existsSync(cli)) continue;
  fs.chmodSync(cli, 0o755);
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  fs.rmSync(bin, { force: true });
  fs.symlinkSync(path.relative(path.dirname(bin), cli), bin);
}
