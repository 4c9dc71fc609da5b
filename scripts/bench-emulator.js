#!/usr/bin/env node
/**
 * The bench's emulated devices in a process of their own, so that the emulator's CPU is not the
 * bench's (nor the provider's): `node scripts/bench-emulator.js N LATENCY_MS` starts N serial devices,
 * prints `{"urls": [...], "pid": P}` as its first stdout line, then answers one JSON line per stdin
 * command: `clear` (forget every device's request log), `counts` (requests summed over the devices,
 * and this process's CPU seconds), `stop`. Used through `remoteEmulator` in bench-lib.js.
 */
"use strict";
const path = require("path");
const readline = require("readline");

const ROOT = path.resolve(__dirname, "..");

async function main() {
  const n = Number(process.argv[2]);
  const latencyMs = Number(process.argv[3] ?? 40);
  const { startEmulator } = require(path.join(ROOT, "dist/emulator"));
  const emu = await startEmulator({ port: 0, devices: n, faults: { latencyMs, serial: true } });
  const reply = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
  reply({ urls: emu.devices.map((d) => d.url), pid: process.pid });
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line === "clear") {
      for (const d of emu.devices) d.clearRequests();
      reply({});
    } else if (line === "counts") {
      const c = { login: 0, read: 0, write: 0, info: 0, total: 0 };
      for (const d of emu.devices) for (const [k, v] of Object.entries(d.counts())) c[k] = (c[k] ?? 0) + v;
      const cpu = process.cpuUsage();
      reply({ counts: c, cpuS: (cpu.user + cpu.system) / 1e6 });
    } else if (line === "stop") break;
    else reply({ error: `unknown command ${line}` });
  }
  await emu.stop();
  reply({});
  process.exit(0);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
