/**
 * `basip.SipAccount`: the device's main SIP account ("Set device SIP settings",
 * https://developers.bas-ip.com/camdroid-monitors/set-device-sip-settings), at
 * `/api/v1/device/sip/settings`.
 */
import * as pulumi from "@pulumi/pulumi";
import { SIP_ACCOUNT, SipAccountOptions, SipAccountSettings } from "../schema/accounts";
import type { Registration } from "../schema/registration-codecs";
import { AccountResource } from "./account-resource";
import { DeviceArgs, expectTrue, MatchesSchema } from "./device-args";

/** Arguments of a {@link SipAccount}. Rules are checked at preview, before any device request. */
export interface SipAccountArgs {
  /** The device and how to log in to it. */
  device: pulumi.Input<DeviceArgs>;
  /** SIP proxy: IPv4 address or DNS name, optional `sip:` prefix and `:port`, e.g. `"sip:pbx.example.com"`. */
  proxy: pulumi.Input<string>;
  /** SIP server (realm): IPv4 address or DNS name with optional `:port`. */
  realm: pulumi.Input<string>;
  /** SIP user (number): 1 to 31 characters, none of them a control character (the main account has no character set). */
  user: pulumi.Input<string>;
  /**
   * SIP password: 1 to 31 characters, none of them a control character; never `"WebPass"` (the device's placeholder).
   * Always a secret. The device never returns it, so it is compared with the last applied value only.
   */
  password: pulumi.Input<string>;
  /** STUN server: `ip` is an IPv4 address or DNS name without port, `port` 1 to 65535. */
  stun: pulumi.Input<{ ip: pulumi.Input<string>; port: pulumi.Input<number> }>;
  /** Registration expiry in seconds, 30 to 900. Left to the device when unset. */
  registrationInterval?: pulumi.Input<number>;
  /** H.264 RTP payload type, 99 to 127. @default 102 */
  h264?: pulumi.Input<number>;
  /** SIP transport. Left to the device when unset. */
  transport?: pulumi.Input<"udp" | "tcp" | "tls">;
  /**
   * Whether SIP is switched on (`/api/v1/device/sip/enable`, apart from the account's settings).
   * Left to the device when unset.
   */
  enabled?: pulumi.Input<boolean>;
  /**
   * Seconds `up` waits after writing the account until the device reports it registered, 0 to 600.
   * The step fails on a registration `ERROR`, on a timeout, or on a device that cannot report its
   * status; the state then records what was written, and the next `up` applies and waits again
   * (see docs/guides/registration.md). 0 (or unset) writes and only reports `registration`.
   */
  waitForRegistration?: pulumi.Input<number>;
}

/**
 * The main SIP account of a BAS-IP device. Creating it adopts the device's account (a device always
 * has one); destroying it only removes it from the stack, and the device keeps its settings.
 *
 * @example
 * new basip.SipAccount("lobby", {
 *   device: { endpoint: "http://10.0.0.21", password: cfg.requireSecret("adminPassword") },
 *   proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001",
 *   password: cfg.requireSecret("sip1001"), stun: { ip: "stun.example.com", port: 3478 },
 * });
 */
export class SipAccount extends AccountResource {
  declare readonly stun: pulumi.Output<{ ip: string; port: number }>;
  declare readonly h264: pulumi.Output<number>;
  declare readonly enabled: pulumi.Output<boolean | undefined>;
  declare readonly waitForRegistration: pulumi.Output<number | undefined>;
  /**
   * The device's SIP registration as read after the last write or refresh: `status` `OK`, `OFFLINE`
   * (SIP disabled), `ERROR` (registration failing) or `UNKNOWN` (the device has no status endpoint),
   * and `lastAttempt`, the device's last registration attempt (ISO 8601 by the device's clock, or
   * null if it never tried).
   */
  declare readonly registration: pulumi.Output<Registration>;

  constructor(name: string, args: SipAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(SIP_ACCOUNT, name, args, opts);
  }
}

// Compile-time: Args and outputs name exactly the fields of the schema's table, with its types.
expectTrue<MatchesSchema<SipAccountArgs, SipAccount, SipAccountSettings, SipAccountOptions, "registration">>();
