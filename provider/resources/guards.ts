/**
 * Checks the resource classes make in the program, before the engine sees a resource: resource
 * options these resources cannot honour (thrown as a `pulumi.ResourceError`, which the engine prints
 * as one line), and one device account declared twice in one run (failed by `check`, see
 * `claimAccount`). Two stacks on one account cannot be seen from here: see README, One resource per
 * device account.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AccountSchema } from "../schema/accounts";
import { normalizeEndpoint } from "../schema/device";
import { accountInputs, type DeviceArgs } from "./device-args";

/** `SipAccount "lobby"`: how messages name a resource. */
export const labelOf = (className: string, name: string): string => `${className} "${name}"`;

/**
 * Refuses `import` and `id`: the dynamic-provider host cannot read a resource from an id alone, and
 * there is no need to, since create adopts the account the device already has (README, Import).
 */
export function refuseImport(label: string, opts: pulumi.CustomResourceOptions | undefined): void {
  const option = opts?.import !== undefined ? "import" : opts?.id !== undefined ? "id" : undefined;
  if (option === undefined) return;
  throw new pulumi.ResourceError(
    `${label}: the ${option} resource option is not supported: dynamic resources cannot be imported or read by id, ` +
      `and need not be: creating the resource adopts the account the device already has. ` +
      `Remove the ${option} option, declare the values you want, and run pulumi up (see README, Import)`,
    undefined,
  );
}

/** Account id -> label of the resource that declared it, per run. */
export type Claims = Map<string, string>;

/** The problem with `label` declaring account `id`, if another resource of the run already did. */
export function claim(claims: Claims, id: string, label: string): string | undefined {
  const holder = claims.get(id);
  if (holder === undefined) {
    claims.set(id, label);
    return undefined;
  }
  return (
    `${label} and ${holder} both manage ${id}: one device account must be managed by exactly one resource, ` +
    `otherwise each up overwrites the other's values. Remove one of them, or point it at another device's endpoint`
  );
}

/**
 * One key per device however its endpoint is spelled: `HTTP://Panel:80/` and `http://panel` are one
 * device. A value that is no URL is left to `check` to refuse; it keys as written.
 */
export function deviceKey(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return normalizeEndpoint(endpoint);
  }
}

// Keyed by the run's root stack resource: a program run by the Automation API runs many times in one
// process (each run has its own stack resource), and a plain `pulumi up` runs once.
const runs = new WeakMap<object, Claims>();

function claimsOfThisRun(): Claims | undefined {
  const stack = pulumi.runtime.getStackResource();
  if (stack === undefined) return undefined; // not inside a Pulumi run (e.g. unit-test mocks): nothing to guard
  let claims = runs.get(stack);
  if (claims === undefined) runs.set(stack, (claims = new Map()));
  return claims;
}

/**
 * The provider input that carries a duplicate's problem to `check` (see `duplicateFailure`). Absent
 * (undefined, so never stored) when the resource is the first to declare its account.
 */
export const DUPLICATE_INPUT = "__basipDuplicate";

/**
 * Claims the device account of `device` for `label` in this run: the problem if another resource of
 * the run already declared it. A plain endpoint is claimed at once, an `Output` one when it
 * resolves. The problem travels as an input, so `check` fails the resource at preview and up, before
 * any device request, with one line; throwing from an `apply` would be an unhandled rejection instead.
 */
export function claimAccount(label: string, schema: AccountSchema, device: pulumi.Input<DeviceArgs>): pulumi.Input<string | undefined> {
  const claims = claimsOfThisRun();
  if (claims === undefined) return undefined;
  const check = (endpoint: unknown) => (typeof endpoint === "string" ? claim(claims, `${deviceKey(endpoint)}#${schema.idSuffix}`, label) : undefined);
  if (pulumi.Output.isInstance(device) || device instanceof Promise) return pulumi.output(device).apply((d) => check(d.endpoint));
  const endpoint = (device as DeviceArgs).endpoint;
  return typeof endpoint === "string" ? check(endpoint) : pulumi.output(endpoint).apply(check);
}

/** `check`'s failure for a resource whose inputs carry a duplicate's problem. */
export function duplicateFailure(news: Record<string, unknown>): { property: string; reason: string } | undefined {
  const problem = news[DUPLICATE_INPUT];
  return typeof problem === "string" && problem.includes(" both manage ") ? { property: "device.endpoint", reason: problem } : undefined;
}

/**
 * The provider inputs of one resource, after both guards: refuses the options, then the account's
 * inputs (`accountInputs`) plus the duplicate check's input.
 */
export function guardedInputs(
  className: string,
  name: string,
  schema: AccountSchema,
  args: { device: pulumi.Input<DeviceArgs> },
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.Inputs {
  const label = labelOf(className, name);
  refuseImport(label, opts);
  return { ...accountInputs(schema, args), [DUPLICATE_INPUT]: claimAccount(label, schema, args.device) };
}
