/**
 * The two SIP accounts: their Pulumi-side settings (camelCase) and the device's JSON (snake_case).
 * The field tables below are the one place where the two namings meet (`mapping.ts` applies them).
 */
import * as t from "io-ts";
import {
  H264,
  H264_DEFAULT,
  MainPassword,
  MainProxy,
  HostPort,
  OptionalHostPort,
  RegistrationInterval,
  SecondPassword,
  SipUriProxy,
  SipUser,
  SipUserId,
  Stun,
  Transport,
} from "./rules";

// ---- Main account: "Set device SIP settings" (shared/spec/000_671fca9b36b1bfba.txt) ----------------
// Device JSON, GET /api/v1/device/sip/settings:
// {"proxy":"sip:sip.bas-ip.com","realm":"sip.bas-ip.com","user":"101","password":"WebPass",
//  "stun":{"ip":"stun.l.google.com","port":19302},"registration_interval":50,"h264":102,"transport":"udp"}

/** Fields a SET of the main account requires. */
export const sipAccountRequired = { proxy: MainProxy, realm: HostPort, user: SipUser, password: MainPassword, stun: Stun };
/** Fields the user may leave to the device; `h264` gets its documented default in `check`. */
export const sipAccountOptional = { registrationInterval: RegistrationInterval, h264: H264, transport: Transport };

export const SipAccountSettings = t.intersection([t.type(sipAccountRequired), t.partial(sipAccountOptional)], "SipAccountSettings");
export type SipAccountSettings = t.TypeOf<typeof SipAccountSettings>;

/** What the device answers; lenient on purpose: a device's own values are data, not input to refuse. */
export const SipAccountWire = t.type(
  {
    proxy: t.string,
    realm: t.string,
    user: t.string,
    password: t.string,
    stun: t.type({ ip: t.string, port: t.number }),
    registration_interval: t.number,
    h264: t.number,
    transport: t.string,
  },
  "SipAccountWire",
);
export type SipAccountWire = t.TypeOf<typeof SipAccountWire>;

// ---- Second account: "Get second account SIP settings" (shared/spec/002_dc463964ba4d5e47.txt) -----
// Device JSON: {"proxy":"sip:sip.bas-ip.com","realm":"sip.bas-ip.com","user":"101","password":"WebPass",
//  "transport":"udp","user_id":"user126","registration_interval":30,"outbound":"sip.bas-ip.com"}

export const secondSipAccountRequired = { proxy: SipUriProxy, realm: HostPort, user: SipUser, password: SecondPassword };
export const secondSipAccountOptional = {
  transport: Transport,
  userId: SipUserId,
  registrationInterval: RegistrationInterval,
  outbound: OptionalHostPort,
};

export const SecondSipAccountSettings = t.intersection(
  [t.type(secondSipAccountRequired), t.partial(secondSipAccountOptional)],
  "SecondSipAccountSettings",
);
export type SecondSipAccountSettings = t.TypeOf<typeof SecondSipAccountSettings>;

export const SecondSipAccountWire = t.type(
  {
    proxy: t.string,
    realm: t.string,
    user: t.string,
    password: t.string,
    transport: t.string,
    user_id: t.string,
    registration_interval: t.number,
    outbound: t.string,
  },
  "SecondSipAccountWire",
);
export type SecondSipAccountWire = t.TypeOf<typeof SecondSipAccountWire>;

// ---- The naming table: Pulumi arg -> device key. Keys not listed keep their name. -----------------
/** Arg name -> wire key, for every field of either account. */
export const WIRE_NAMES = {
  proxy: "proxy",
  realm: "realm",
  user: "user",
  password: "password",
  stun: "stun",
  registrationInterval: "registration_interval",
  h264: "h264",
  transport: "transport",
  userId: "user_id",
  outbound: "outbound",
} as const satisfies Record<keyof SipAccountSettings | keyof SecondSipAccountSettings, string>;

export type AccountKind = "main" | "second";

/** Everything the generic lifecycle needs to know about one account. */
export interface AccountSchema {
  readonly kind: AccountKind;
  /** Human name used in messages. */
  readonly title: string;
  /** Ends the resource id, after the endpoint: `http://10.0.0.21#sip-account`. */
  readonly idSuffix: string;
  /** The `device` option that overrides this account's path. */
  readonly pathOption: "mainAccountPath" | "secondAccountPath";
  readonly required: Readonly<Record<string, t.Mixed>>;
  readonly optional: Readonly<Record<string, t.Mixed>>;
  /** Defaults applied by `check` when the user leaves a field out. */
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly wire: t.Mixed;
}

export const SIP_ACCOUNT: AccountSchema = {
  kind: "main",
  title: "SIP account",
  idSuffix: "sip-account",
  pathOption: "mainAccountPath",
  required: sipAccountRequired,
  optional: sipAccountOptional,
  defaults: { h264: H264_DEFAULT },
  wire: SipAccountWire,
};

export const SECOND_SIP_ACCOUNT: AccountSchema = {
  kind: "second",
  title: "second SIP account",
  idSuffix: "second-sip-account",
  pathOption: "secondAccountPath",
  required: secondSipAccountRequired,
  optional: secondSipAccountOptional,
  defaults: {},
  wire: SecondSipAccountWire,
};

export const ACCOUNTS: Readonly<Record<AccountKind, AccountSchema>> = { main: SIP_ACCOUNT, second: SECOND_SIP_ACCOUNT };
