/**
 * What `SipAccount` and `SecondSipAccount` share: the outputs both accounts have and the one way a
 * resource is built (guards, inputs from the account's field table, secret outputs, the plain-HTTP
 * warning). Each class keeps its own Args, its own outputs and its compile-time tie to its table.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AccountSchema } from "../schema/accounts";
import type { DeviceInfo } from "../schema/info";
import { DeviceArgs, DeviceConnectionOutput, withSecretOutputs } from "./device-args";
import { guardedInputs } from "./guards";
import { warnPlainHttp } from "./warnings";

/** The resource classes, as their type tokens name them (`basip:SipAccount`). */
export type AccountClassName = "SipAccount" | "SecondSipAccount";

/** A BAS-IP SIP account as a dynamic resource; subclassed once per account. */
export abstract class AccountResource extends pulumi.dynamic.Resource {
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

  protected constructor(
    provider: pulumi.dynamic.ResourceProvider,
    className: AccountClassName,
    schema: AccountSchema,
    name: string,
    args: { device: pulumi.Input<DeviceArgs> },
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    super(provider, name, guardedInputs(className, name, schema, args, opts), withSecretOutputs(schema, opts), "basip", className);
    warnPlainHttp(args.device);
  }
}
