/**
 * The fleet inventory: which devices exist, where they are, and their non-secret SIP settings.
 * Pure: `parseInventory(text, file)` turns a file's text into device specs or throws an
 * `InventoryError` listing every problem, each as `<file>: device <name>: <field>: <reason>`.
 * Account fields are checked with the resources' own rules (`validateAccountInputs`), so a file that
 * loads here passes the resources' `check` at preview. Format: see README.md, "Inventory format".
 */
import * as fs from "fs";
import { SECOND_SIP_ACCOUNT, SIP_ACCOUNT, AccountSchema } from "../../provider/schema/accounts";
import { UNKNOWN, validateAccountInputs } from "../../provider/schema/validate";
import { parseYaml, YamlError, YamlValue } from "./yaml";

export type AccountName = "main" | "second";

/** Connection settings a device may carry in the inventory (never its admin password). */
export interface ConnectionSpec {
  username?: string;
  timeoutMs?: number;
  retries?: number;
  insecureSkipVerify?: boolean;
  caCertificate?: string;
  mainAccountPath?: string;
  secondAccountPath?: string;
}

/** One device, defaults merged and validated. Account settings carry no password. */
export interface DeviceSpec {
  readonly name: string;
  readonly site: string;
  readonly endpoint: string;
  readonly connection: ConnectionSpec;
  /** Main account fields (`SipAccountArgs` minus device and password), when `accounts` has `main`. */
  readonly main?: Record<string, unknown>;
  /** Second account fields (`SecondSipAccountArgs` minus device and password), when `accounts` has `second`. */
  readonly second?: Record<string, unknown>;
}

/** Every problem of a file, one line each. */
export class InventoryError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "InventoryError";
  }
}

type Obj = { [key: string]: YamlValue };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const CONNECTION_KEYS = ["username", "timeoutMs", "retries", "insecureSkipVerify", "caCertificate", "mainAccountPath", "secondAccountPath"];
const accountKeys = (s: AccountSchema) => [...Object.keys(s.required), ...Object.keys(s.optional)].filter((k) => k !== "password");
const DEFAULT_KEYS = ["sip", "sip2", "device", "accounts"];
const DEVICE_KEYS = ["name", "endpoint", "user", ...DEFAULT_KEYS];
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Deep merge of plain maps; lists and scalars of `over` replace. */
function merge(base: YamlValue | undefined, over: YamlValue | undefined): YamlValue | undefined {
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v) as YamlValue;
    return out;
  }
  return over === undefined ? base : over;
}

/** Where a secret belongs instead (`owner` is `device <name>`, `site <name>` or `top level`). */
function secretHint(path: string, owner: string): string {
  const [kind, name] = owner.split(" ");
  const account = /(^|\.)sip2\./.test(path) ? "sip2" : /(^|\.)sip\./.test(path) ? "sip" : undefined;
  if (account === undefined) {
    const key = kind === "site" ? `adminPassword:${name}` : "adminPassword";
    return `set the admin password with: pulumi config set --secret ${key} <password>`;
  }
  const key = kind === "device" ? `${account}:${name}` : kind === "site" ? `${account}Site:${name}` : `${account}Site:<site>`;
  return `set it with: pulumi config set --secret ${key} <password>`;
}

/**
 * Parses and validates an inventory. `file` is used in messages only. Throws `InventoryError` with
 * every problem found (a YAML syntax error stops at the first one).
 */
export function parseInventory(text: string, file: string): DeviceSpec[] {
  let doc: YamlValue;
  try {
    doc = parseYaml(text, file);
  } catch (e) {
    if (e instanceof YamlError) throw new InventoryError([yamlProblem(e, text)]);
    throw e;
  }
  const problems: string[] = [];
  const at = (where: string, field: string, reason: string) => problems.push(`${file}: ${where}: ${field}: ${reason}`);

  /** Unknown keys and password-like keys of a map, recursively for `sip`/`sip2`/`device` blocks. */
  const checkKeys = (where: string, obj: Obj, allowed: string[], prefix: string) => {
    for (const key of Object.keys(obj)) {
      const path = `${prefix}${key}`;
      if (/pass(word)?$|passwd|secret/i.test(key)) {
        at(where, path, `secrets must not be in the inventory file (it is not encrypted); ${secretHint(path, where)}`);
      } else if (!allowed.includes(key)) {
        at(where, path, `unknown field; expected one of ${allowed.join(", ")}`);
      }
    }
  };
  const checkBlocks = (where: string, obj: Obj, prefix = "") => {
    const blocks: [string, string[]][] = [
      ["sip", accountKeys(SIP_ACCOUNT)],
      ["sip2", accountKeys(SECOND_SIP_ACCOUNT)],
      ["device", CONNECTION_KEYS],
    ];
    for (const [block, keys] of blocks) {
      const v = obj[block];
      if (v === undefined || v === null) continue;
      if (!isObj(v)) at(where, `${prefix}${block}`, `must be a map of fields, got ${JSON.stringify(v)}`);
      else checkKeys(where, v, keys, `${prefix}${block}.`);
    }
  };

  if (!isObj(doc)) {
    problems.push(`${file}: the file must be a map with a "sites" key (see README, Inventory format)`);
    throw new InventoryError(problems);
  }
  checkKeys("top level", doc, ["sites", "defaults"], "");
  const globalDefaults = isObj(doc.defaults) ? doc.defaults : {};
  if (doc.defaults !== undefined && doc.defaults !== null && !isObj(doc.defaults)) at("top level", "defaults", "must be a map");
  if (isObj(doc.defaults)) {
    checkKeys("top level", doc.defaults, DEFAULT_KEYS, "defaults.");
    checkBlocks("top level", doc.defaults, "defaults.");
  }
  if (!isObj(doc.sites) || Object.keys(doc.sites).length === 0) {
    at("top level", "sites", "is required: a map of site name to {defaults, devices}");
    throw new InventoryError(problems);
  }

  const specs: DeviceSpec[] = [];
  const seenNames = new Map<string, string>();
  const seenEndpoints = new Map<string, string>();
  for (const [site, siteValue] of Object.entries(doc.sites)) {
    const where = `site ${site}`;
    if (!NAME_RE.test(site)) at(where, "name", "site names are 1 to 63 letters, digits, '.', '_' or '-'");
    if (!isObj(siteValue)) {
      at(where, "devices", "is required: the site must be a map with a devices list");
      continue;
    }
    checkKeys(where, siteValue, ["defaults", "devices"], "");
    let siteDefaults: Obj = {};
    if (isObj(siteValue.defaults)) {
      checkKeys(where, siteValue.defaults, DEFAULT_KEYS, "defaults.");
      checkBlocks(where, siteValue.defaults, "defaults.");
      siteDefaults = siteValue.defaults;
    } else if (siteValue.defaults !== undefined && siteValue.defaults !== null) at(where, "defaults", "must be a map");
    if (!Array.isArray(siteValue.devices)) {
      at(where, "devices", "is required: a list of devices");
      continue;
    }
    const defaults = merge(globalDefaults, siteDefaults) as Obj;

    siteValue.devices.forEach((entry, index) => {
      if (!isObj(entry)) {
        at(where, `devices[${index}]`, `must be a map with name and endpoint, got ${JSON.stringify(entry)}`);
        return;
      }
      const name = entry.name;
      if (typeof name !== "string" || !NAME_RE.test(name)) {
        const got = name === undefined ? "is required" : `must be 1 to 63 letters, digits, '.', '_' or '-' (it names the resources and config keys), got ${JSON.stringify(name)}`;
        at(`${where}: devices[${index}]`, "name", got);
        return;
      }
      const dev = `device ${name}`;
      const before = problems.length;
      const other = seenNames.get(name);
      if (other !== undefined) at(dev, "name", `duplicate device name (also in site ${other}); resource names must be unique in a stack`);
      seenNames.set(name, site);
      checkKeys(dev, entry, DEVICE_KEYS, "");
      checkBlocks(dev, entry);

      // accounts: a list of main/second, or one of "main", "second", "both"; default [main].
      const rawAccounts = entry.accounts ?? defaults.accounts ?? ["main"];
      const accounts = rawAccounts === "both" ? ["main", "second"] : typeof rawAccounts === "string" ? [rawAccounts] : rawAccounts;
      if (!Array.isArray(accounts) || accounts.length === 0 || !accounts.every((a) => a === "main" || a === "second") || new Set(accounts).size !== accounts.length) {
        at(dev, "accounts", `must be main, second, both, or a list of main and second, got ${JSON.stringify(rawAccounts)}`);
        return;
      }
      const wants = (a: AccountName) => (accounts as string[]).includes(a);
      if (!wants("second") && isObj(entry.sip2)) at(dev, "sip2", "is set but accounts does not include second");
      if (!wants("main") && isObj(entry.sip)) at(dev, "sip", "is set but accounts does not include main");

      const endpoint = entry.endpoint;
      if (typeof endpoint === "string") {
        const key = endpoint.toLowerCase().replace(/\/+$/, "");
        const clash = seenEndpoints.get(key);
        if (clash !== undefined) at(dev, "endpoint", `same device as ${clash}; one device, one entry`);
        seenEndpoints.set(key, name);
      }
      const connection = (merge(defaults.device, entry.device) ?? {}) as ConnectionSpec;
      const userOf: Obj = typeof entry.user === "string" || typeof entry.user === "number" ? { user: entry.user } : {};
      if (entry.user !== undefined && typeof entry.user !== "string") {
        at(dev, "user", `must be a string; quote numbers: user: "${String(entry.user)}"`);
      }
      const validate = (schema: AccountSchema, block: "sip" | "sip2"): Record<string, unknown> | undefined => {
        const merged = merge(merge(defaults[block], userOf), entry[block]);
        const fields = isObj(merged) ? merged : {};
        const raw = { device: { ...connection, endpoint }, ...fields, password: UNKNOWN };
        const result = validateAccountInputs(schema, raw);
        if (result._tag === "Right") {
          const { device: _d, devicePassword: _p, password: _pw, ...rest } = result.right;
          return rest;
        }
        for (const f of result.left) {
          if (f.property === "password" || f.property === "devicePassword") continue;
          if (f.property.startsWith("device.")) {
            const field = f.property === "device.endpoint" ? "endpoint" : f.property;
            const line = `${file}: ${dev}: ${field}: ${f.reason}`;
            if (!problems.includes(line)) problems.push(line);
            continue;
          }
          if (entry.user !== undefined && typeof entry.user !== "string" && f.property === "user") continue;
          const top = f.property.split(".")[0];
          const own = isObj(entry[block]) && entry[block][top] !== undefined;
          const inherited = !own && !(top === "user" && entry.user !== undefined) && (defaults[block] as Obj | undefined)?.[top] !== undefined;
          at(dev, `${block}.${f.property}`, `${f.reason}${inherited ? ` (from the defaults of site ${site})` : ""}`);
        }
        return undefined;
      };
      const main = wants("main") ? validate(SIP_ACCOUNT, "sip") : undefined;
      const second = wants("second") ? validate(SECOND_SIP_ACCOUNT, "sip2") : undefined;
      if (problems.length === before) {
        specs.push({ name, site, endpoint: endpoint as string, connection, ...(main ? { main } : {}), ...(second ? { second } : {}) });
      }
    });
  }
  if (problems.length > 0) throw new InventoryError(problems);
  return specs;
}

/**
 * A YAML syntax error as an inventory problem: `<file>:<line>: device <name>: <field>: <reason>`,
 * naming the device entry and the key of the bad line when they can be told from the text.
 */
function yamlProblem(e: YamlError, text: string): string {
  const lines = text.split(/\r?\n/);
  const bad = lines[e.line - 1] ?? "";
  const key = /^\s*(?:-\s+)?([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*:/.exec(bad)?.[1];
  const indentOf = (l: string) => /^ */.exec(l)![0].length;
  let device = /^\s*-\s+name:\s*["']?([A-Za-z0-9._-]+)/.exec(bad)?.[1];
  // Walk up through the enclosing blocks (each less indented) to the `- name:` of the device entry.
  let min = indentOf(bad);
  for (let i = e.line - 2; i >= 0 && device === undefined && min > 0; i--) {
    const l = lines[i].replace(/\s+#.*$|^\s*#.*$/, "");
    if (l.trim() === "" || indentOf(l) >= min) continue;
    min = indentOf(l);
    const m = /^\s*-\s+name:\s*["']?([A-Za-z0-9._-]+)/.exec(l);
    if (m) device = m[1];
    else if (/^\s*(?:-\s+)?devices\s*:/.test(l)) break;
  }
  const parts = [`${e.file}:${e.line}`, ...(device ? [`device ${device}`] : []), ...(key ? [key] : []), e.reason];
  return parts.join(": ");
}

/** Reads and parses an inventory file; messages name it as given. */
export function loadInventory(file: string): DeviceSpec[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InventoryError([`${file}: cannot read the inventory: ${(e as Error).message}`]);
  }
  return parseInventory(text, file);
}
