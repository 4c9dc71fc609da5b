/**
 * What `basip-fleet discover` makes of the panels it read: which accounts to manage (factory ones are
 * left out), each device's name, the values shared by a site's devices lifted into its `defaults`,
 * and each device's entry written as the overrides over those defaults. Pure: readings in, inventory
 * entries (plain data) out; `discover-read.ts` reads the panels, `discover-yaml.ts` writes the file.
 */
import * as basip from "pulumi-basip";
import { AccountName, merge } from "./inventory";
import { envName } from "./secrets";

type Obj = Record<string, unknown>;
const isObj = basip.isObject;

/** Deep equality of plain JSON values (key order ignored). */
export function same(a: unknown, b: unknown): boolean {
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  return a === b;
}

/** What one panel holds, as read (settings in the resources' camelCase, never a password). */
export interface PanelReading {
  readonly endpoint: string;
  readonly site: string;
  readonly info?: basip.DeviceInfo;
  /** The main account's settings; undefined when the panel has none to read. */
  readonly main?: Obj;
  /** The SIP enable switch; undefined when the panel has no such endpoint. */
  readonly enabled?: boolean;
  readonly registration?: basip.Registration;
  /** The second account's settings, when one of the candidate paths answered. */
  readonly second?: Obj;
  /** The path the second account answered at. */
  readonly secondAccountPath?: string;
  /** What the reading could not tell (no second account at any candidate path, ...). */
  readonly notes: readonly string[];
}

/** A panel that could not be read, and why (the client's message: device and request named, no secret). */
export interface PanelFailure {
  readonly endpoint: string;
  readonly site: string;
  readonly reason: string;
}

/**
 * Factory settings: the values the vendor portal's examples show and the emulator ships. An account
 * equal to these was never configured, so it is left out of the inventory (managing it would only
 * pin the factory values).
 */
export const FACTORY: { readonly main: Obj; readonly second: Obj } = {
  main: { proxy: "sip:sip.bas-ip.com", realm: "sip.bas-ip.com", user: "100", stun: { ip: "stun.l.google.com", port: 19302 }, registrationInterval: 60, h264: 102, transport: "udp" },
  second: { proxy: "sip:sip.bas-ip.com", realm: "sip.bas-ip.com", user: "101", transport: "udp", userId: "", registrationInterval: 60, outbound: "" },
};

/** The accounts a reading puts under management: the ones read that are not at factory settings. */
export function accountsOf(r: PanelReading): AccountName[] {
  const out: AccountName[] = [];
  if (r.main !== undefined && !(same(r.main, FACTORY.main) && r.enabled !== false)) out.push("main");
  if (r.second !== undefined && !same(r.second, FACTORY.second)) out.push("second");
  return out;
}

const NAME_MAX = 63;

/** A panel's own name as an inventory name: lower-case letters, digits, `.`, `_`, `-`; "" when nothing is left. */
export function sanitiseName(raw: string): string {
  return raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, NAME_MAX)
    .replace(/[-._]+$/, "");
}

/** `panel-10-0-0-21-8080` from `http://10.0.0.21:8080`: a name for a panel that gives none. */
export function nameFromEndpoint(endpoint: string): string {
  const host = endpoint.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  return sanitiseName(`panel-${host}`) || "panel";
}

/**
 * Names for new devices, unique among `taken` (and each other) the way the inventory checks them:
 * two names that read the same environment variable (`a.b`, `a-b`) clash, so `-2`, `-3`, ... is added.
 */
export function uniqueNames(wanted: readonly string[], taken: Iterable<string>): string[] {
  const used = new Set([...taken].map(envName));
  return wanted.map((w) => {
    let name = w;
    for (let i = 2; used.has(envName(name)); i++) {
      const suffix = `-${i}`;
      name = `${w.slice(0, NAME_MAX - suffix.length).replace(/[-._]+$/, "")}${suffix}`;
    }
    used.add(envName(name));
    return name;
  });
}

/** The name a reading asks for: the panel's own name, else one from its endpoint. */
export const wantedName = (r: PanelReading): string => sanitiseName(r.info?.name ?? "") || nameFromEndpoint(r.endpoint);

/** One device of an inventory as written: its own values over the defaults (the inventory's keys). */
export interface DeviceEntry {
  name: string;
  endpoint: string;
  accounts?: AccountName[] | "both" | "second";
  user?: string;
  sip?: Obj;
  sip2?: Obj;
  device?: Obj;
}

/** A site's `defaults` block (the inventory's keys). */
export interface SiteDefaults {
  accounts?: AccountName[] | "both" | "second";
  sip?: Obj;
  sip2?: Obj;
  device?: Obj;
}

/** Everything the inventory must say about one device for it to reproduce the reading. */
interface Wanted {
  accounts: AccountName[];
  sip?: Obj;
  sip2?: Obj;
  device: Obj;
}

/** The reading as the inventory's blocks. `enabled` only when SIP is off: on is the factory state, left unmanaged. */
function wantedOf(r: PanelReading): Wanted {
  const accounts = accountsOf(r);
  const sip = accounts.includes("main") ? { ...r.main, ...(r.enabled === false ? { enabled: false } : {}) } : undefined;
  const sip2 = accounts.includes("second") ? { ...r.second } : undefined;
  const device = accounts.includes("second") && r.secondAccountPath !== undefined && r.secondAccountPath !== basip.DEVICE_DEFAULTS.secondAccountPath ? { secondAccountPath: r.secondAccountPath } : {};
  return { accounts, ...(sip ? { sip } : {}), ...(sip2 ? { sip2 } : {}), device };
}

const accountsValue = (a: readonly AccountName[]): DeviceEntry["accounts"] => (a.length === 2 ? "both" : a[0] === "second" ? "second" : ["main"]);
const normalAccounts = (a: unknown): AccountName[] => (a === "both" ? ["main", "second"] : typeof a === "string" ? [a as AccountName] : Array.isArray(a) ? (a as AccountName[]) : ["main"]);

/** The effective defaults of a site: the file's top-level `defaults`, then the site's. */
export const effectiveDefaults = (top: SiteDefaults | undefined, site: SiteDefaults | undefined): SiteDefaults => merge(top ?? {}, site ?? {}) as SiteDefaults;

/** Value of a `device` key as the provider sees it: the default path when unset. */
const deviceValue = (d: Obj | undefined, k: string) => d?.[k] ?? (basip.DEVICE_DEFAULTS as Obj)[k];

/**
 * The entry that makes one reading come out of `defaults` exactly: only the values that differ, with
 * `user` as the shorthand when it stands for every account the device has.
 */
export function entryFor(r: PanelReading, name: string, defaults: SiteDefaults): DeviceEntry {
  const want = wantedOf(r);
  const entry: DeviceEntry = { name, endpoint: r.endpoint };
  if (!same(normalAccounts(defaults.accounts), want.accounts)) entry.accounts = accountsValue(want.accounts);
  const blockDiff = (block: "sip" | "sip2"): Obj | undefined => {
    const w = want[block];
    if (w === undefined) return undefined;
    const base = (defaults[block] ?? {}) as Obj;
    const out: Obj = {};
    for (const [k, v] of Object.entries(w)) if (!same(base[k], v)) out[k] = v;
    // SIP on is left unmanaged unless the defaults switch it off.
    if (block === "sip" && base.enabled === false && w.enabled === undefined) out.enabled = true;
    return out;
  };
  const sip = blockDiff("sip");
  const sip2 = blockDiff("sip2");
  // `user:` is the shorthand for sip.user and sip2.user: used when it stands for both of the device's accounts.
  const users = [sip, sip2].filter((b) => b !== undefined).map((b) => b!.user);
  if (users.length > 0 && users.every((u) => typeof u === "string" && u === users[0])) {
    entry.user = users[0] as string;
    delete sip?.user;
    delete sip2?.user;
  }
  if (sip && Object.keys(sip).length > 0) entry.sip = sip;
  if (sip2 && Object.keys(sip2).length > 0) entry.sip2 = sip2;
  if (want.accounts.includes("second") && deviceValue(want.device, "secondAccountPath") !== deviceValue(defaults.device, "secondAccountPath")) {
    entry.device = { secondAccountPath: deviceValue(want.device, "secondAccountPath") };
  }
  return entry;
}

/**
 * A new site's defaults: every value that all its devices having that block share (two devices at
 * least), less what the file's top-level defaults already say.
 */
export function factorDefaults(readings: readonly PanelReading[], top: SiteDefaults = {}): SiteDefaults {
  const wants = readings.map(wantedOf).filter((w) => w.accounts.length > 0);
  const out: SiteDefaults = {};
  if (wants.length < 2) return out;
  const accounts = wants[0].accounts;
  if (wants.every((w) => same(w.accounts, accounts)) && !same(normalAccounts(top.accounts), accounts)) out.accounts = accountsValue(accounts);
  for (const block of ["sip", "sip2", "device"] as const) {
    const having = wants.filter((w) => (block === "device" ? w.accounts.includes("second") : w[block] !== undefined));
    if (having.length < 2) continue;
    const shared: Obj = {};
    for (const [k, v] of Object.entries((having[0][block] ?? {}) as Obj)) {
      if (having.every((w) => same(((w[block] ?? {}) as Obj)[k], v)) && !same(((top[block] ?? {}) as Obj)[k], v)) shared[k] = v;
    }
    if (Object.keys(shared).length > 0) out[block] = shared;
  }
  return out;
}
