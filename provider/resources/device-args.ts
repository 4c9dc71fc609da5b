/**
 * Device connection args shared by both resources, and how the resource classes turn them into
 * provider inputs: the admin password travels apart, as a secret, under `devicePassword`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DeviceConnection } from "../schema/device";

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

/** Secrets stay secret whatever the caller wrote (the engine would otherwise keep plain outputs). */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  const extra = ["password", "devicePassword"];
  return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...extra])] };
}
