/**
 * What `SipAccount` and `SecondSipAccount` share: the outputs both accounts have and the one way a
 * resource is built (guards, inputs from the account's field table, secret outputs, the plain-HTTP
 * warning). Each class keeps its own Args, its own outputs and its compile-time tie to its table.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AccountSchema } from "../schema/accounts";
import type { DeviceInfo } from "../schema/info";
import { DeviceArgs, DeviceConnectionOutput, withSecretOutputs } from "./device-args";
import { PROVIDER_TEXT } from "./dynamic";
import { guardedInputs } from "./guards";
import { warnPlainHttp } from "./warnings";

/** The type token of an account's resources, as Pulumi's dynamic-provider host serves them: `pulumi-nodejs:dynamic/basip:SipAccount`. */
export function typeToken(schema: Pick<AccountSchema, "typeName">): string {
  return `pulumi-nodejs:dynamic/basip:${schema.typeName}`;
}

/**
 * A BAS-IP SIP account as a dynamic resource (type `pulumi-nodejs:dynamic/basip:<class>`, served by
 * Pulumi's dynamic-provider host from the `__provider` text); subclassed once per account.
 */
export abstract class AccountResource extends pulumi.CustomResource {
  /** Connection settings (without the admin password). */
  declare readonly device: pulumi.Output<DeviceConnectionOutput>;
  /** Admin password, secret; absent when it comes from stack config or the environment. */
  declare readonly devicePassword: pulumi.Output<string | undefined>;
  /** What the device says about itself (`GET /api/info`, no login), read on create and refresh; empty when it does not say. */
  declare readonly deviceInfo: pulumi.Output<DeviceInfo | undefined>;
  declare readonly proxy: pulumi.Output<string>;
  declare readonly realm: pulumi.Output<string>;
  declare readonly user: pulumi.Output<string>;
  /** The last applied SIP password (secret). */
  declare readonly password: pulumi.Output<string>;
  declare readonly transport: pulumi.Output<"udp" | "tcp" | "tls" | undefined>;
  declare readonly registrationInterval: pulumi.Output<number | undefined>;

  protected constructor(schema: AccountSchema, name: string, args: { device: pulumi.Input<DeviceArgs> }, opts: pulumi.CustomResourceOptions | undefined) {
    // What `pulumi.dynamic.Resource` does, with the provider text written once instead of serialized per class.
    const inputs = { ...guardedInputs(schema.typeName, name, schema, args, opts), __provider: PROVIDER_TEXT[schema.kind] };
    super(typeToken(schema), name, inputs, withSecretOutputs(schema, opts));
    warnPlainHttp(args.device);
  }
}
