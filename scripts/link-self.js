#!/usr/bin/env node
// Makes `require("pulumi-basip/...")` resolve from this repository's root as it does in a user's
// project. The serialized dynamic provider requires the package by name from the project directory,
// and the root Pulumi.yaml program (the quickstart) runs here, so the package must be "installed" in
// its own node_modules: a symlink, as `npm link` would make.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-basip");
try {
  const target = fs.readlinkSync(link);
  if (path.resolve(path.dirname(link), target) === root) process.exit(0);
  fs.unlinkSync(link);
} catch (e) {
  if (e.code !== "ENOENT") throw e;
}
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync(path.relative(path.dirname(link), root), link, "dir");
