/**
 * Checks the resource classes make in the program, before the engine sees a resource: resource
 * options these resources cannot honour (thrown as a `pulumi.ResourceError`, which the engine prints
 * as one line), and one device account declared twice in one run (failed by `check`, see
 * `claimAccount`). Two stacks on one account cannot be seen from here: see docs/reference/lifecycle.md, One resource per
 * device account.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AccountSchema } from "../schema/accounts";
import { accountInputs, type DeviceArgs } from "./device-args";
import { deviceKey } from "../schema/device";
import { claim, Claims, DUPLICATE_INPUT } from "./duplicates";

/** `SipAccount "lobby"`: how messages name a resource. */
export const labelOf = (className: string, name: string): string => `${className} "${name}"`;

/**
 * Refuses `import` and `id`: the dynamic-provider host cannot read a resource from an id alone, and
 * there is no need to, since create adopts the account the device already has (docs/reference/lifecycle.md, Import).
 */
export function refuseImport(label: string, opts: pulumi.CustomResourceOptions | undefined): void {
  const option = opts?.import !== undefined ? "import" : opts?.id !== undefined ? "id" : undefined;
  if (option === undefined) return;
  throw new pulumi.ResourceError(
    `${label}: the ${option} resource option is not supported: dynamic resources cannot be imported or read by id, ` +
      `and need not be: creating the resource adopts the account the device already has. ` +
      `Remove the ${option} option, declare the values you want, and run pulumi up (see docs/reference/lifecycle.md, Import)`,
    undefined,
  );
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
