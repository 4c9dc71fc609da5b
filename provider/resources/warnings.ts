/**
 * Program-side warnings, shown by `pulumi preview` and `pulumi up` alike. Plain HTTP: the login
 * sends the MD5 of the admin password in the URL, which anyone on the path can replay, so the first
 * {@link PLAIN_HTTP_NAMED} `http://` devices are named once per run, then one line says there are more.
 */
import * as pulumi from "@pulumi/pulumi";
import { deviceKey, normalizeEndpoint } from "../schema/device";
import type { DeviceArgs } from "./device-args";

// Per run: an Automation API process runs many programs, and each run must warn again. The run's
// stack resource is new every run; the fallback covers runs without one (mocks).
const warnedByRun = new WeakMap<object, Set<string>>();
const NO_STACK = {};

function warnedThisRun(): Set<string> {
  const run: object = pulumi.runtime.getStackResource() ?? NO_STACK;
  let warned = warnedByRun.get(run);
  if (warned === undefined) {
    warned = new Set();
    warnedByRun.set(run, warned);
  }
  return warned;
}

/**
 * How many plain-HTTP devices a run names one by one. Past that, a thousand identical lines would
 * bury every other message of the review (and cost the program about 0.7 s of CPU at 1000 devices).
 */
export const PLAIN_HTTP_NAMED = 10;

/** The one line after the first {@link PLAIN_HTTP_NAMED} plain-HTTP devices. */
export const PLAIN_HTTP_MORE =
  `more devices are reached over plain HTTP than the ${PLAIN_HTTP_NAMED} named above; the rest are not named one by one, ` +
  "and the same risk applies to each (see docs/guides/https-and-pinning.md).";

/** The warning text for one plain-HTTP endpoint. */
export function plainHttpWarning(endpoint: string): string {
  return (
    `device ${endpoint} is reached over plain HTTP: the login sends the MD5 of the admin password in the URL, ` +
    "and anyone on the network path can replay it. Switch the panel to HTTPS and use an https:// endpoint " +
    "with device.tlsFingerprint (see docs/guides/https-and-pinning.md)."
  );
}

/**
 * Warns once per endpoint per run, for the first {@link PLAIN_HTTP_NAMED} endpoints; the next one gets
 * {@link PLAIN_HTTP_MORE} instead, and later ones nothing. Not attached to the resource on purpose: `pulumi.log` sends its
 * messages in one chain per process that waits for each message's resource URN, and a resource whose
 * check fails never gets one, which would hold back every later message of an Automation API process.
 */
export function warnPlainHttp(device: pulumi.Input<DeviceArgs>): void {
  const warned = warnedThisRun();
  const warn = (endpoint: unknown) => {
    if (typeof endpoint !== "string" || !endpoint.toLowerCase().startsWith("http:")) return;
    const key = deviceKey(endpoint);
    if (warned.has(key) || warned.size > PLAIN_HTTP_NAMED) return;
    warned.add(key);
    void pulumi.log.warn(warned.size > PLAIN_HTTP_NAMED ? PLAIN_HTTP_MORE : plainHttpWarning(normalizeEndpoint(endpoint)));
  };
  // The endpoint is almost always a plain string in a plain object (only the password is secret):
  // read it at once. Two Outputs per resource cost about 1 ms of the program's CPU each at 1000 devices.
  const plain = typeof device === "object" && device !== null && !pulumi.Output.isInstance(device) && !(device instanceof Promise) ? (device as DeviceArgs).endpoint : undefined;
  if (typeof plain === "string") return warn(plain);
  pulumi
    .output(device)
    .apply((d) => d?.endpoint)
    .apply(warn);
}
