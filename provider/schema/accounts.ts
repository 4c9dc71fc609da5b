/**
 * The two SIP accounts, one field table each. A table row says everything the provider knows about a
 * field: its rule for input (camelCase arg), its device key (snake_case), what the device answers
 * for it, its default and whether it is a secret. Everything else derives from the rows: the
 * settings codecs and types, the device codecs, the naming table `mapping.ts` applies, the secrets
 * the resource classes wrap, and the defaults `check` applies. A row also names the device endpoint
 * its field lives on: most live in the account object, `enabled` on the SIP enable endpoint; the
 * lifecycle reads and writes each endpoint the managed fields touch.
 */
import * as t from "io-ts";
import { DEVICE_DEFAULTS } from "./device";
import {
  H264,
  H264_DEFAULT,
  MainPassword,
  MainProxy,
  MainRegistrationInterval,
  MainUser,
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
import { DeviceInteger, DeviceNumber, DeviceStun, DeviceText } from "./device-values";
import { WaitForRegistration } from "./registration-codecs";

/**
 * The device endpoints an account's fields live on: `settings` is the account object (its path is a
 * `device` option), `sipEnable` is `GET`/`POST /api/v1/device/sip/enable`, body `{"sip_enable": bool}`.
 */
export type EndpointName = "settings" | "sipEnable";

/** Path of the SIP enable switch (`GET`/`POST`, body `{"sip_enable": bool}`); not part of the settings object. */
export const SIP_ENABLE_PATH = "/api/v1/device/sip/enable";

/** One field of an account. */
export interface Field<
  C extends t.Mixed = t.Mixed,
  R extends boolean = boolean,
  W extends string = string,
  D extends t.Mixed = t.Mixed,
  P extends EndpointName = EndpointName,
> {
  /** The rule `check` applies to the user's value. */
  readonly codec: C;
  /** Whether a SET of the account needs it; optional fields left out stay unmanaged. */
  readonly required: R;
  /** The device's JSON key. */
  readonly wire: W;
  /** What the device answers for it: lenient about meaning, strict about form (`device-values.ts`). */
  readonly onDevice: D;
  /** Applied by `check` when the user leaves the field out. */
  readonly default?: t.TypeOf<C>;
  /** Kept a Pulumi secret in inputs, state and outputs. */
  readonly secret?: boolean;
  /** The device endpoint the field lives on. */
  readonly endpoint: P;
}

type Extra<C extends t.Mixed> = { readonly default?: t.TypeOf<C>; readonly secret?: boolean };
const required = <C extends t.Mixed, W extends string, D extends t.Mixed>(codec: C, wire: W, onDevice: D, extra: Extra<C> = {}): Field<C, true, W, D, "settings"> => ({
  codec,
  required: true,
  wire,
  onDevice,
  endpoint: "settings",
  ...extra,
});
const optional = <C extends t.Mixed, W extends string, D extends t.Mixed>(codec: C, wire: W, onDevice: D, extra: Extra<C> = {}): Field<C, false, W, D, "settings"> => ({
  codec,
  required: false,
  wire,
  onDevice,
  endpoint: "settings",
  ...extra,
});
/** The same field, living on another endpoint than the account object. */
const on = <P extends EndpointName, C extends t.Mixed, R extends boolean, W extends string, D extends t.Mixed>(endpoint: P, f: Field<C, R, W, D, EndpointName>): Field<C, R, W, D, P> => ({
  ...f,
  endpoint,
});

type Fields = Readonly<Record<string, Field>>;
type Flat<T> = { [K in keyof T]: T[K] };
type RequiredNames<F extends Fields> = { [K in keyof F]: F[K]["required"] extends true ? K : never }[keyof F];
/** The settings (camelCase, plain values) a field table describes. */
export type SettingsOf<F extends Fields> = Flat<
  { [K in RequiredNames<F>]: t.TypeOf<F[K]["codec"]> } & { [K in Exclude<keyof F, RequiredNames<F>>]?: t.TypeOf<F[K]["codec"]> }
>;
/** The device's JSON (snake_case) of one endpoint a field table describes. */
export type WireOf<F extends Fields, P extends EndpointName = "settings"> = {
  [K in keyof F as F[K]["endpoint"] extends P ? F[K]["wire"] : never]: t.TypeOf<F[K]["onDevice"]>;
};

const pick = (fields: Fields, req: boolean) =>
  Object.fromEntries(Object.entries(fields).filter(([, f]) => f.required === req).map(([k, f]) => [k, f.codec]));

function settingsCodec<F extends Fields>(name: string, fields: F): t.Type<SettingsOf<F>, SettingsOf<F>, unknown> {
  return t.intersection([t.type(pick(fields, true)), t.partial(pick(fields, false))], name) as unknown as t.Type<SettingsOf<F>, SettingsOf<F>, unknown>;
}

function wireCodec<F extends Fields, P extends EndpointName = "settings">(name: string, fields: F, endpoint: P = "settings" as P): t.Type<WireOf<F, P>, WireOf<F, P>, unknown> {
  const here = Object.values(fields).filter((f) => f.endpoint === endpoint);
  // Exact: keys the table does not know are dropped, so refresh copies nothing else into state.
  return t.exact(t.type(Object.fromEntries(here.map((f) => [f.wire, f.onDevice]))), name) as unknown as t.Type<WireOf<F, P>, WireOf<F, P>, unknown>;
}

/**
 * The fields both accounts have: the same device keys and device answer types; only the rules of
 * proxy, user and password differ between the accounts.
 */
const sipIdentity = <P extends t.Mixed, U extends t.Mixed, W extends t.Mixed>(proxy: P, user: U, password: W) => ({
  proxy: required(proxy, "proxy", DeviceText),
  realm: required(HostPort, "realm", DeviceText),
  user: required(user, "user", DeviceText),
  password: required(password, "password", DeviceText, { secret: true }),
});

// ---- Main account: BAS-IP API "Set device SIP settings" ------------------------------------------
// Device JSON, GET /api/v1/device/sip/settings:
// {"proxy":"sip:sip.bas-ip.com","realm":"sip.bas-ip.com","user":"101","password":"WebPass",
//  "stun":{"ip":"stun.l.google.com","port":19302},"registration_interval":50,"h264":102,"transport":"udp"}

export const SIP_ACCOUNT_FIELDS = {
  ...sipIdentity(MainProxy, MainUser, MainPassword),
  stun: required(Stun, "stun", DeviceStun),
  registrationInterval: optional(MainRegistrationInterval, "registration_interval", DeviceNumber),
  h264: optional(H264, "h264", DeviceInteger, { default: H264_DEFAULT }),
  transport: optional(Transport, "transport", DeviceText),
  // Device JSON, GET /api/v1/device/sip/enable: {"sip_enable":true}
  enabled: on("sipEnable", optional(t.boolean, "sip_enable", t.boolean)),
} as const;

/** Inputs of a `SipAccount` that are no device field: how `up` treats the registration. */
export const SIP_ACCOUNT_OPTIONS = { waitForRegistration: WaitForRegistration } as const;
export type SipAccountOptions = { [K in keyof typeof SIP_ACCOUNT_OPTIONS]?: t.TypeOf<(typeof SIP_ACCOUNT_OPTIONS)[K]> };

/** The main account's settings as a program writes them (plain values; `SipAccountArgs` minus `device`). */
export const SipAccountSettings = settingsCodec("SipAccountSettings", SIP_ACCOUNT_FIELDS);
export type SipAccountSettings = SettingsOf<typeof SIP_ACCOUNT_FIELDS>;

/** What the device answers for the main account. */
export const SipAccountWire = wireCodec("SipAccountWire", SIP_ACCOUNT_FIELDS);
export type SipAccountWire = WireOf<typeof SIP_ACCOUNT_FIELDS>;

/** What the device answers at the SIP enable endpoint. */
export const SipEnableWire = wireCodec("SipEnableWire", SIP_ACCOUNT_FIELDS, "sipEnable");
export type SipEnableWire = WireOf<typeof SIP_ACCOUNT_FIELDS, "sipEnable">;

// ---- Second account: BAS-IP API "Get second account SIP settings" --------------------------------
// Device JSON: {"proxy":"sip:sip.bas-ip.com","realm":"sip.bas-ip.com","user":"101","password":"WebPass",
//  "transport":"udp","user_id":"user126","registration_interval":30,"outbound":"sip.bas-ip.com"}

export const SECOND_SIP_ACCOUNT_FIELDS = {
  ...sipIdentity(SipUriProxy, SipUser, SecondPassword),
  transport: optional(Transport, "transport", DeviceText),
  userId: optional(SipUserId, "user_id", DeviceText),
  registrationInterval: optional(RegistrationInterval, "registration_interval", DeviceInteger),
  outbound: optional(OptionalHostPort, "outbound", DeviceText),
} as const;

/** The second account's settings as a program writes them (plain values; `SecondSipAccountArgs` minus `device`). */
export const SecondSipAccountSettings = settingsCodec("SecondSipAccountSettings", SECOND_SIP_ACCOUNT_FIELDS);
export type SecondSipAccountSettings = SettingsOf<typeof SECOND_SIP_ACCOUNT_FIELDS>;

/** What the device answers for the second account. */
export const SecondSipAccountWire = wireCodec("SecondSipAccountWire", SECOND_SIP_ACCOUNT_FIELDS);
export type SecondSipAccountWire = WireOf<typeof SECOND_SIP_ACCOUNT_FIELDS>;

// ---- The naming table: Pulumi arg -> device key, from both tables. Keys outside it are dropped. -----
type ArgName = keyof typeof SIP_ACCOUNT_FIELDS | keyof typeof SECOND_SIP_ACCOUNT_FIELDS;

function wireNames(...tables: Fields[]): Readonly<Record<ArgName, string>> {
  const names: Record<string, string> = {};
  for (const [arg, f] of tables.flatMap((table) => Object.entries(table))) {
    // One mapping serves both accounts, so a shared arg must have one device key.
    if (names[arg] !== undefined && names[arg] !== f.wire) throw new Error(`accounts.ts: ${arg} maps to both ${names[arg]} and ${f.wire}`);
    names[arg] = f.wire;
  }
  return names as Record<ArgName, string>;
}

/** Arg name -> wire key, for every field of either account. */
export const WIRE_NAMES = wireNames(SIP_ACCOUNT_FIELDS, SECOND_SIP_ACCOUNT_FIELDS);

export type AccountKind = "main" | "second";

/** One device endpoint of an account: which fields live there, how the device answers, where it is. */
export interface AccountEndpoint {
  readonly name: EndpointName;
  /** Used in operation names: `read SIP enable`. */
  readonly title: string;
  /** Arg names of the fields that live here. */
  readonly fields: readonly string[];
  readonly wire: t.Mixed;
  /** Its path, unless `pathOption` is set on the device. */
  readonly path: string;
  readonly pathOption?: "mainAccountPath" | "secondAccountPath";
}

/** Everything the generic lifecycle needs to know about one account. */
export interface AccountSchema {
  readonly kind: AccountKind;
  /** The resource class, as programs name it. */
  readonly typeName: "SipAccount" | "SecondSipAccount";
  /** Human name used in messages. */
  readonly title: string;
  /** Ends the resource id, after the endpoint: `http://10.0.0.21#sip-account`. */
  readonly idSuffix: string;
  /** The `device` option that overrides this account's path. */
  readonly pathOption: "mainAccountPath" | "secondAccountPath";
  /** The field table; the members below derive from it. */
  readonly fields: Fields;
  readonly required: Readonly<Record<string, t.Mixed>>;
  readonly optional: Readonly<Record<string, t.Mixed>>;
  /** Defaults applied by `check` when the user leaves a field out. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Fields kept secret. */
  readonly secrets: readonly string[];
  /** The account object's device answer (the `settings` endpoint's). */
  readonly wire: t.Mixed;
  /** The endpoints the fields live on, in write order; the account object first. */
  readonly endpoints: readonly AccountEndpoint[];
  /** Inputs that are neither device fields nor connection settings (`waitForRegistration`); all optional. */
  readonly options: Readonly<Record<string, t.Mixed>>;
  /** Outputs the provider computes, never inputs (`registration`). */
  readonly outputs: readonly string[];
  /** Whether the device's SIP registration status describes this account (see docs/guides/registration.md). */
  readonly registration: boolean;
}

type Meta = Pick<AccountSchema, "kind" | "typeName" | "title" | "idSuffix" | "pathOption">;
type Extras = Partial<Pick<AccountSchema, "options" | "outputs" | "registration">> & { readonly wires?: Partial<Record<EndpointName, t.Mixed>> };

const ENDPOINT_PATHS: Record<Exclude<EndpointName, "settings">, { title: string; path: string }> = {
  sipEnable: { title: "SIP enable", path: SIP_ENABLE_PATH },
};

function accountSchema(meta: Meta, fields: Fields, wire: t.Mixed, extras: Extras = {}): AccountSchema {
  const entries = Object.entries(fields);
  const namesOn = (e: EndpointName) => entries.filter(([, f]) => f.endpoint === e).map(([k]) => k);
  const others = (Object.keys(ENDPOINT_PATHS) as Exclude<EndpointName, "settings">[]).filter((e) => namesOn(e).length > 0);
  const endpoints: AccountEndpoint[] = [
    { name: "settings", title: meta.title, fields: namesOn("settings"), wire, path: DEVICE_DEFAULTS[meta.pathOption], pathOption: meta.pathOption },
    ...others.map((e) => {
      const w = extras.wires?.[e];
      if (w === undefined) throw new Error(`accounts.ts: ${meta.title} has fields on ${e} but no device codec for it`);
      return { name: e, ...ENDPOINT_PATHS[e], fields: namesOn(e), wire: w };
    }),
  ];
  return {
    ...meta,
    endpoints,
    options: extras.options ?? {},
    outputs: extras.outputs ?? [],
    registration: extras.registration ?? false,
    fields,
    required: pick(fields, true),
    optional: pick(fields, false),
    defaults: Object.fromEntries(entries.filter(([, f]) => f.default !== undefined).map(([k, f]) => [k, f.default])),
    secrets: entries.filter(([, f]) => f.secret === true).map(([k]) => k),
    wire,
  };
}

export const SIP_ACCOUNT = accountSchema(
  { kind: "main", typeName: "SipAccount", title: "SIP account", idSuffix: "sip-account", pathOption: "mainAccountPath" },
  SIP_ACCOUNT_FIELDS,
  SipAccountWire,
  { wires: { sipEnable: SipEnableWire }, options: SIP_ACCOUNT_OPTIONS, outputs: ["registration"], registration: true },
);

export const SECOND_SIP_ACCOUNT = accountSchema(
  { kind: "second", typeName: "SecondSipAccount", title: "second SIP account", idSuffix: "second-sip-account", pathOption: "secondAccountPath" },
  SECOND_SIP_ACCOUNT_FIELDS,
  SecondSipAccountWire,
);

export const ACCOUNTS: Readonly<Record<AccountKind, AccountSchema>> = { main: SIP_ACCOUNT, second: SECOND_SIP_ACCOUNT };
