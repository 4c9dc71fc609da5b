#!/usr/bin/env node
/**
 * `basip-policy-config FILE...`: checks stack pack config files for the basip policy pack, the way a
 * fleet repository's CI does before `pulumi preview --policy-pack-config FILE`. Prints one line per
 * problem (`FILE: rule: problem`) and exits 1 if there is any, else prints `FILE: ok`.
 */
import * as fs from "fs";
import { configFileProblems } from "./config-file";

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("usage: basip-policy-config FILE...   (pack config JSON files, as given to --policy-pack-config)\n");
  process.exit(2);
}
let failed = false;
for (const file of files) {
  let problems: string[];
  try {
    problems = configFileProblems(fs.readFileSync(file, "utf8"));
  } catch (e) {
    problems = [`cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`];
  }
  for (const p of problems) process.stderr.write(`${file}: ${p}\n`);
  if (problems.length === 0) process.stdout.write(`${file}: ok\n`);
  failed ||= problems.length > 0;
}
process.exit(failed ? 1 : 0);
