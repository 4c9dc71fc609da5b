/**
 * `basip.SecondSipAccount`: the second SIP account of Android panels (API 2.10+; "Get second account
 * SIP settings", https://developers.bas-ip.com/android-panels/get-second-account-sip-settings).
 * Its path is unpublished: see `DeviceArgs.secondAccountPath`.
 */
import * as pulumi from "@pulumi/pulumi";
import { SECOND_SIP_ACCOUNT, SecondSipAccountSettings } from "../schema/accounts";
import { AccountResource } from "./account-resource";
import { DeviceArgs, expectTrue, MatchesSchema } from "./device-args";

/** Arguments of a {@link SecondSipAccount}. Rules are checked at preview, before any device request. */
export interface SecondSipAccountArgs {
  /** The device and how to log in to it. */
  device: pulumi.Input<DeviceArgs>;
  /** SIP proxy with the `sip:` scheme: `sip:` + IPv4 address or DNS name + optional `:port`, e.g. `"sip:pbx2.example.com"`. */
  proxy: pulumi.Input<string>;
  /** SIP realm: IPv4 address or DNS name with optional `:port`. */
  realm: pulumi.Input<string>;
  /** SIP user name: 1 to 31 characters (letters, digits, space and ~`!@#$%^&*()_-+={[}]|"<,>.?/;). */
  user: pulumi.Input<string>;
  /** SIP password: 6 to 31 characters from the same set; never `"WebPass"`. Always a secret. */
  password: pulumi.Input<string>;
  /** SIP transport. Left to the device when unset. */
  transport?: pulumi.Input<"udp" | "tcp" | "tls">;
  /** SIP user id (authentication name): 0 to 31 characters from the same set. Left to the device when unset. */
  userId?: pulumi.Input<string>;
  /** Registration expiry in seconds, 30 to 900. Left to the device when unset. */
  registrationInterval?: pulumi.Input<number>;
  /** Outbound proxy: `""` (none) or IPv4 address or DNS name with optional `:port`. Left to the device when unset. */
  outbound?: pulumi.Input<string>;
}

/**
 * The second SIP account of a BAS-IP Android panel. Creating it adopts the device's account;
 * destroying it only removes it from the stack, and the device keeps its settings.
 */
export class SecondSipAccount extends AccountResource {
  declare readonly userId: pulumi.Output<string | undefined>;
  declare readonly outbound: pulumi.Output<string | undefined>;

  constructor(name: string, args: SecondSipAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(SECOND_SIP_ACCOUNT, name, args, opts);
  }
}

// Compile-time: Args and outputs name exactly the fields of the schema's table, with its types.
expectTrue<MatchesSchema<SecondSipAccountArgs, SecondSipAccount, SecondSipAccountSettings>>();
