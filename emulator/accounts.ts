/**
 * The account table: one entry per SIP settings object the device serves (the two accounts and
 * the SIP enable switch, which lives apart from the account), with its wire path, field rules,
 * error envelope and factory defaults. Everything else (routes, request log, state
 * endpoint, seeding, merging a POST) is driven by this table, so adding an account or a field is
 * an edit here. Written apart from `provider/schema` on purpose: the emulator plays the device.
 */
import { OBJECT_ENVELOPE, STRING_ENVELOPE, type Envelope } from "./envelopes";
import { TRANSPORTS, isAllowedText, isAnyText, isHost, isHostPort, isIntIn, isNumberIn, type RulesFor } from "./validation";

/** Path of the main (first / single) account, as used by working public clients. */
export const MAIN_ACCOUNT_PATH = "/api/v1/device/sip/settings";
/** Where the emulator serves the second account. The real path is unpublished, so this is a guess. */
export const DEFAULT_SECOND_ACCOUNT_PATH = "/api/v1/device/sip/settings/second";

/** Main account state (Camdroid "device SIP settings" field set). */
export type MainAccountState = {
  proxy: string;
  realm: string;
  user: string;
  password: string;
  stun: { ip: string; port: number };
  registration_interval: number;
  h264: number;
  transport: string;
};

/** Second account state (Android panels API 2.x field set, no stun/h264). */
export type SecondAccountState = {
  proxy: string;
  realm: string;
  user: string;
  password: string;
  transport: string;
  user_id: string;
  registration_interval: number;
  outbound: string;
};

/** Path of the SIP enable switch (BAS-IP API, body `{"sip_enable": bool}`): not part of the account object. */
export const SIP_ENABLE_PATH = "/api/v1/device/sip/enable";

/** The SIP enable switch; when off, the device does not register (status `OFFLINE`). */
export type SipEnableState = { sip_enable: boolean };

/** State of every account of one device, by account key. */
export type AccountStates = { main: MainAccountState; second: SecondAccountState; sipEnable: SipEnableState };
export type AccountKey = keyof AccountStates;

/** One account of the device. S is its state: the wire fields, with the real password. */
export interface AccountSpec<S> {
  /** Wire path. */
  path: string;
  /** Emulator option that replaces {@link path}, for paths that are only a guess. */
  pathOption?: "secondAccountPath";
  /**
   * Field rules in wire order (GET answers fields in this order; the string envelope reports the
   * first failing one). Optional fields omitted from a POST keep their value.
   */
  rules: RulesFor<S>;
  envelope: Envelope;
  defaults: S;
  /** An accepted POST makes the device attempt a SIP registration (`registrar.ts`). */
  registers?: boolean;
}

// Spec 000 (Camdroid): user and password "non-empty and <= 31 characters", no character rule.
const TEXT_RULE = "must be non-empty and at most 31 characters";

const MAIN: AccountSpec<MainAccountState> = {
  path: MAIN_ACCOUNT_PATH,
  rules: {
    proxy: {
      type: "string",
      required: true,
      check: (v: string) => isHostPort(v.startsWith("sip:") ? v.slice(4) : v),
      rule: "must be an IPv4 address or DNS name, optionally prefixed sip: and followed by :port",
    },
    realm: { type: "string", required: true, check: isHostPort, rule: "must be an IPv4 address or DNS name with optional :port" },
    user: { type: "string", required: true, check: (v: string) => isAnyText(v, 1, 31), rule: TEXT_RULE },
    password: { type: "string", required: true, check: (v: string) => isAnyText(v, 1, 31), rule: TEXT_RULE },
    stun: {
      type: "object",
      required: true,
      fields: {
        ip: { type: "string", required: true, check: isHost, rule: "must be an IPv4 address or DNS name without port" },
        port: { type: "integer", required: true, check: (v: number) => isIntIn(v, 1, 65535), rule: "must be an integer from 1 to 65535" },
      },
    },
    // Spec 000 types it "number": 30.5 is stored as sent.
    registration_interval: { type: "number", required: false, check: (v: number) => isNumberIn(v, 30, 900), rule: "must be a number from 30 to 900" },
    h264: { type: "integer", required: true, check: (v: number) => isIntIn(v, 99, 127), rule: "must be an integer from 99 to 127" },
    transport: { type: "string", required: false, check: (v: string) => TRANSPORTS.includes(v), rule: "must be one of udp, tcp, tls" },
  },
  envelope: OBJECT_ENVELOPE,
  registers: true,
  defaults: {
    proxy: "sip:sip.bas-ip.com",
    realm: "sip.bas-ip.com",
    user: "100",
    password: "factory1",
    stun: { ip: "stun.l.google.com", port: 19302 },
    registration_interval: 60,
    h264: 102,
    transport: "udp",
  },
};

// The string envelope carries no rule text, so these rules have none.
const SECOND: AccountSpec<SecondAccountState> = {
  path: DEFAULT_SECOND_ACCOUNT_PATH,
  pathOption: "secondAccountPath",
  rules: {
    proxy: { type: "string", required: true, check: (v: string) => v.startsWith("sip:") && isHostPort(v.slice(4)) },
    realm: { type: "string", required: true, check: isHostPort },
    user: { type: "string", required: true, check: (v: string) => isAllowedText(v, 1, 31) },
    password: { type: "string", required: true, check: (v: string) => isAllowedText(v, 6, 31) },
    transport: { type: "string", required: false, check: (v: string) => TRANSPORTS.includes(v) },
    user_id: { type: "string", required: false, check: (v: string) => isAllowedText(v, 0, 31) },
    registration_interval: { type: "integer", required: false, check: (v: number) => isIntIn(v, 30, 900) },
    outbound: { type: "string", required: false, check: (v: string) => v === "" || isHostPort(v) },
  },
  envelope: STRING_ENVELOPE,
  defaults: {
    proxy: "sip:sip.bas-ip.com",
    realm: "sip.bas-ip.com",
    user: "101",
    password: "factory2",
    transport: "udp",
    user_id: "",
    registration_interval: 60,
    outbound: "",
  },
};

// Same object envelope as the main account: both are `/device/sip/...` resources of one firmware.
const SIP_ENABLE: AccountSpec<SipEnableState> = {
  path: SIP_ENABLE_PATH,
  rules: { sip_enable: { type: "boolean", required: true } },
  envelope: OBJECT_ENVELOPE,
  registers: true,
  defaults: { sip_enable: true },
};

/** Every account of the device. */
export const ACCOUNTS: { readonly [K in AccountKey]: AccountSpec<AccountStates[K]> } = { main: MAIN, second: SECOND, sipEnable: SIP_ENABLE };

export const ACCOUNT_KEYS = Object.keys(ACCOUNTS) as AccountKey[];
