/**
 * Device connection args shared by both resources, and how the resource classes turn their args into
 * provider inputs: every field of the account's table, its secrets wrapped, and the admin password
 * apart, as a secret, under `devicePassword`. Also the compile-time checks that tie each class's
 * Args and outputs to its field table.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AccountSchema } from "../schema/accounts";
import type { DeviceConnection } from "../schema/device";
import { COMPUTED_OUTPUTS, type ComputedOutput } from "../schema/outputs";

/** How to reach and log in to a BAS-IP device. */
export interface DeviceArgs {
  /** `http://host[:port]` or `https://host[:port]` of the device's web API. Changing it replaces the resource (another device). */
  endpoint: pulumi.Input<string>;
  /** Web/API admin user. Falls back to stack config `basip:username`, then `BASIP_USERNAME`. @default "admin" */
  username?: pulumi.Input<string>;
  /**
   * Admin password (plain; only its MD5 is sent at login). Always stored as a secret. Falls back to
   * stack config `basip:password` (then `BASIP_PASSWORD`), which keeps a fleet's one password out of
   * every resource's state.
   */
  password?: pulumi.Input<string>;
  /** Accept any TLS certificate (devices ship self-signed ones). Prefer `caCertificate`. @default false */
  insecureSkipVerify?: pulumi.Input<boolean>;
  /** PEM certificate of the CA that signed the device's certificate. */
  caCertificate?: pulumi.Input<string>;
  /**
   * SHA-256 fingerprint of the device's certificate (`openssl x509 -noout -fingerprint -sha256` prints
   * it as `AB:CD:...`; either case, colons optional). When set, only that certificate is accepted,
   * whatever its issuer or name: the safe way to use a panel's self-signed certificate. https:// only.
   */
  tlsFingerprint?: pulumi.Input<string>;
  /** Timeout of each HTTP attempt, 100 to 600000 ms. Dynamic resources ignore `customTimeouts`, so this is the knob. @default 10000 */
  timeoutMs?: pulumi.Input<number>;
  /** Extra attempts after a connection error, a timeout or a 5xx, 0 to 10. @default 2 */
  retries?: pulumi.Input<number>;
  /** Path of the main account. @default "/api/v1/device/sip/settings" */
  mainAccountPath?: pulumi.Input<string>;
  /** Path of the second account; unpublished by the vendor, confirm it on your firmware. @default "/api/v1/device/sip/settings/second" */
  secondAccountPath?: pulumi.Input<string>;
}

/** The connection settings as stored in state (no password); the type derives from the `DeviceConnection` codec. */
export type DeviceConnectionOutput = Readonly<DeviceConnection>;

/** Splits `device` into non-secret connection settings and the admin password, made secret. */
export function deviceInputs(device: pulumi.Input<DeviceArgs>): { device: pulumi.Input<object>; devicePassword?: pulumi.Input<string> } {
  if (pulumi.Output.isInstance(device) || device instanceof Promise) {
    // An Output of the whole object: secret if any part was; only the password part stays secret.
    const whole = pulumi.output(device);
    return {
      device: pulumi.unsecret(whole.apply(({ password: _password, ...rest }) => rest)),
      devicePassword: pulumi.secret(whole.apply((d) => d.password)) as pulumi.Output<string>,
    };
  }
  const { password, ...rest } = device as DeviceArgs;
  return { device: rest, ...(password === undefined ? {} : { devicePassword: pulumi.secret(password) }) };
}

/**
 * The provider inputs of one account resource: the device split as `deviceInputs` does, then every
 * field of the schema's table taken from `args` (so no field can be forgotten here), secrets wrapped.
 * Keys outside the table go through as well, so that `check` names them (a JavaScript program has no
 * type checker to catch `registrationIntreval`); they are wrapped as secrets because a misspelt
 * `pasword` holds a password (`check` refuses them, and reports them so the engine prints no value).
 * Options (`waitForRegistration`) are taken too, and the account's computed outputs seeded.
 */
export function accountInputs(schema: AccountSchema, args: { device: pulumi.Input<DeviceArgs> }): pulumi.Inputs {
  const inputs: pulumi.Inputs = { ...deviceInputs(args.device) };
  const values = args as unknown as Record<string, pulumi.Input<unknown> | undefined>;
  for (const name of [...Object.keys(schema.fields), ...Object.keys(schema.options)]) {
    const value = values[name];
    inputs[name] = value !== undefined && schema.secrets.includes(name) ? pulumi.secret(value) : value;
  }
  // Seeded so the engine registers them as outputs; a program's own value for one is refused by `check`.
  for (const name of [...COMPUTED_OUTPUTS, ...schema.outputs]) inputs[name] = values[name];
  for (const [name, value] of Object.entries(values)) {
    if (!(name in inputs) && name !== "device" && value !== undefined) inputs[name] = pulumi.secret(value);
  }
  return inputs;
}

/** Secrets stay secret whatever the caller wrote (the engine would otherwise keep plain outputs). */
export function withSecretOutputs(schema: AccountSchema, opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  const extra = [...schema.secrets, "devicePassword"];
  return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...extra])] };
}

// ---- compile-time ties between a resource class and its field table ---------------------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type OutputNames<R> = Exclude<{ [K in keyof R]-?: R[K] extends pulumi.Output<unknown> ? K : never }[keyof R], "id" | "urn">;
type FieldTypesMatch<A, S> = { [K in keyof S]-?: K extends keyof A ? Same<pulumi.Unwrap<NonNullable<A[K]>>, NonNullable<S[K]>> : false }[keyof S];

/**
 * `true` when `Args` has exactly `device` plus the settings' fields plus the optional `Options`,
 * required alike, each a `pulumi.Input` of the codec's type, and the resource's outputs are exactly
 * `device`, `devicePassword`, the settings' fields, the options and the `Computed` outputs.
 * Otherwise `false`, and `expectTrue` fails to compile.
 */
export type MatchesSchema<Args, Resource, Settings, Options = object, Computed extends string = never> = [
  Same<keyof Args, "device" | keyof Settings | keyof Options>,
  Same<RequiredKeys<Args>, "device" | RequiredKeys<Settings>>,
  FieldTypesMatch<Args, Settings & Options>,
  Same<OutputNames<Resource>, "device" | "devicePassword" | ComputedOutput | keyof Settings | keyof Options | Computed>,
] extends [true, true, true, true]
  ? true
  : false;

/** A compile-time assertion; does nothing at run time. */
export function expectTrue<_T extends true>(): void {}
