/**
 * The fleet inventory: which devices exist, where they are, and their non-secret SIP settings.
 * Pure: `parseInventory(text, file)` turns a file's text into device specs or throws an
 * `InventoryError` listing every problem, each as `<file>:<line>: device <name>: <field>: <reason>`.
 * The file is full YAML (the `yaml` package; anchors and `<<` merge keys work, duplicate keys are
 * errors). Account fields are checked with the resources' own rules (`basip.validateSipAccount`), so
 * a file that loads here passes the resources' `check` at preview. Format: examples/fleet/README.md, "Inventory format".
 */
import * as fs from "fs";
import * as basip from "pulumi-basip";
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument, YAMLError } from "yaml";
import { envName } from "./secrets";

export type AccountName = "main" | "second";

/** Connection settings a device may carry in the inventory (never its admin password). */
export type ConnectionSpec = Omit<basip.DeviceConnectionOutput, "endpoint">;

/** One device, defaults merged and validated. Account settings carry no password. */
export interface DeviceSpec {
  readonly name: string;
  readonly site: string;
  readonly endpoint: string;
  readonly connection: ConnectionSpec;
  /** Main account fields (`SipAccountArgs` minus device and password), when `accounts` has `main`. */
  readonly main?: Omit<basip.SipAccountSettings, "password">;
  /** Second account fields (`SecondSipAccountArgs` minus device and password), when `accounts` has `second`. */
  readonly second?: Omit<basip.SecondSipAccountSettings, "password">;
}

/** Every problem of a file, one line each. */
export class InventoryError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "InventoryError";
  }
}

type Value = unknown;
type Obj = { [key: string]: Value };
/** Where a value sits in the document: keys and list indexes from the root. */
type Path = readonly (string | number)[];
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const withoutPassword = (keys: readonly string[]) => keys.filter((k) => k !== "password");
const DEFAULT_KEYS = ["sip", "sip2", "device", "accounts"];
const DEVICE_KEYS = ["name", "endpoint", "user", ...DEFAULT_KEYS];
const BLOCKS: readonly [string, readonly string[]][] = [
  ["sip", withoutPassword(basip.ACCOUNT_FIELDS.main)],
  ["sip2", withoutPassword(basip.ACCOUNT_FIELDS.second)],
  ["device", basip.DEVICE_CONNECTION_FIELDS],
];
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const SECRET_KEY_RE = /pass(word)?$|passwd|secret/i;

/** Deep merge of plain maps; lists and scalars of `over` replace. */
function merge(base: Value, over: Value): Value {
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
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

/** Line numbers of the parsed document: the line of the deepest key or item a path reaches. */
class Lines {
  constructor(
    private readonly root: Node | null,
    private readonly counter: LineCounter,
  ) {}

  private at = (node: { range?: readonly number[] | null } | null | undefined) => (node?.range ? this.counter.linePos(node.range[0]).line : undefined);

  /** The line of a character offset. */
  lineAt(offset: number): number {
    return this.counter.linePos(offset).line;
  }

  of(path: Path): number | undefined {
    let node: unknown = this.root;
    let line = this.at(this.root);
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
        if (!pair) break;
        line = this.at(pair.key as Node) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number" && node.items[seg]) {
        node = node.items[seg];
        line = this.at(node as Node) ?? line;
      } else break;
    }
    return line;
  }

  /** The path of the deepest key or value whose text holds `offset`. */
  pathAt(offset: number): Path {
    const inside = (n: unknown) => {
      const r = (n as Node | null)?.range;
      return r ? offset >= r[0] && offset <= r[2] : false;
    };
    const path: (string | number)[] = [];
    let node: unknown = this.root;
    for (;;) {
      if (isMap(node)) {
        const pair = node.items.find((p) => inside(p.key) || inside(p.value));
        if (!pair || !isScalar(pair.key)) break;
        path.push(String(pair.key.value));
        if (!inside(pair.value)) break;
        node = pair.value;
      } else if (isSeq(node)) {
        const i = node.items.findIndex(inside);
        if (i < 0) break;
        path.push(i);
        node = node.items[i];
      } else break;
    }
    return path;
  }
}

/**
 * A YAML error in words, as `file:line: device <name>: <field>: <reason>`. The line is the error's
 * own, except for an unclosed quote (reported where the string starts, not where the file ends). The
 * field is named only where the error sits on a key or a quoted value; in a broken structure the
 * tree around the error says little more than the device it is in.
 */
function syntaxProblem(e: YAMLError, file: string, text: string, lines: Lines, doc: Value): string {
  const unclosed = e.code === "MISSING_CHAR" && /quote/.test(e.message);
  const path = lines.pathAt(Math.max(0, Math.min(e.pos[0], text.length) - (unclosed ? 1 : 0)));
  const line = (unclosed ? lines.of(path) : undefined) ?? lines.lineAt(e.pos[0]);
  let reason = e.message.split("\n")[0];
  if (e.code === "DUPLICATE_KEY") reason = `duplicate key ${JSON.stringify(path[path.length - 1])}`;
  else if (e.code === "TAB_AS_INDENT") reason = "tab in indentation; use spaces";
  else if (unclosed) reason = `unterminated ${reason.includes("'") ? "single" : "double"}-quoted string`;
  const named = e.code === "DUPLICATE_KEY" || unclosed;
  const [top, site, devices, index, ...field] = path;
  if (top === "sites" && devices === "devices" && typeof index === "number") {
    const entry = (doc as { sites?: Record<string, { devices?: unknown[] }> } | null)?.sites?.[site as string]?.devices?.[index];
    const name = isObj(entry) && typeof entry.name === "string" && NAME_RE.test(entry.name) ? `device ${entry.name}` : `site ${site}: devices[${index}]`;
    return [`${file}:${line}`, name, ...(named && field.length > 0 ? [field.join(".")] : []), reason].join(": ");
  }
  return [`${file}:${line}`, ...(named && path.length > 0 ? [path.join(".")] : []), reason].join(": ");
}

/** The YAML of an inventory as plain data, or every syntax problem. */
function readYaml(text: string, file: string): { doc: Value; lines: Lines } | { problems: string[] } {
  const counter = new LineCounter();
  const parsed = parseDocument(text, { lineCounter: counter, uniqueKeys: true, merge: true, prettyErrors: false });
  const lines = new Lines(parsed.contents as Node | null, counter);
  let doc: Value;
  try {
    doc = parsed.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // An alias to an anchor that is not set, or too many aliases: the whole file is unusable.
    return { problems: [`${file}: ${(e as Error).message}`] };
  }
  const found = [...parsed.errors, ...parsed.warnings];
  if (found.length > 0) return { problems: [...new Set(found.map((e) => syntaxProblem(e, file, text, lines, doc)))] };
  return { doc, lines };
}

/**
 * Parses and validates an inventory. `file` is used in messages only. Throws `InventoryError` with
 * every problem found: all YAML syntax problems, or (for a file that is valid YAML) all the others.
 */
export function parseInventory(text: string, file: string): DeviceSpec[] {
  const read = readYaml(text, file);
  if ("problems" in read) throw new InventoryError(read.problems);
  const { doc, lines } = read;
  const problems: string[] = [];
  const at = (path: Path, where: string, field: string, reason: string) => {
    const line = lines.of(path);
    const problem = `${file}${line === undefined ? "" : `:${line}`}: ${where}: ${field}: ${reason}`;
    if (!problems.includes(problem)) problems.push(problem);
  };

  /** Unknown keys and password-like keys of a map. */
  const checkKeys = (path: Path, where: string, obj: Obj, allowed: readonly string[], prefix: string) => {
    for (const key of Object.keys(obj)) {
      const field = `${prefix}${key}`;
      if (SECRET_KEY_RE.test(key)) {
        at([...path, key], where, field, `secrets must not be in the inventory file (it is not encrypted); ${secretHint(field, where)}`);
      } else if (!allowed.includes(key)) {
        at([...path, key], where, field, `unknown field; expected one of ${allowed.join(", ")}`);
      }
    }
  };
  /** The `sip`, `sip2` and `device` blocks of a map. */
  const checkBlocks = (path: Path, where: string, obj: Obj, prefix = "") => {
    for (const [block, keys] of BLOCKS) {
      const v = obj[block];
      if (v === undefined || v === null) continue;
      if (!isObj(v)) at([...path, block], where, `${prefix}${block}`, `must be a map of fields, got ${JSON.stringify(v)}`);
      else checkKeys([...path, block], where, v, keys, `${prefix}${block}.`);
    }
  };

  if (!isObj(doc)) throw new InventoryError([`${file}: the file must be a map with a "sites" key (see the fleet README, "Inventory format")`]);
  checkKeys([], "top level", doc, ["sites", "defaults"], "");
  const globalDefaults = isObj(doc.defaults) ? doc.defaults : {};
  if (doc.defaults !== undefined && doc.defaults !== null && !isObj(doc.defaults)) at(["defaults"], "top level", "defaults", "must be a map");
  if (isObj(doc.defaults)) {
    checkKeys(["defaults"], "top level", doc.defaults, DEFAULT_KEYS, "defaults.");
    checkBlocks(["defaults"], "top level", doc.defaults, "defaults.");
  }
  if (!isObj(doc.sites) || Object.keys(doc.sites).length === 0) {
    at(["sites"], "top level", "sites", "is required: a map of site name to {defaults, devices}");
    throw new InventoryError(problems);
  }

  const specs: DeviceSpec[] = [];
  const seenNames = new Map<string, string>();
  /** Environment-variable form of each name (secrets.ts): two devices or sites must not share one. */
  const seenEnv = new Map<string, string>();
  const envClash = (kind: "device" | "site", name: string): string | undefined => {
    const key = `${kind} ${envName(name)}`;
    const other = seenEnv.get(key);
    seenEnv.set(key, other ?? name);
    return other !== undefined && other !== name ? other : undefined;
  };
  const seenEndpoints = new Map<string, string>();
  for (const [site, siteValue] of Object.entries(doc.sites)) {
    const where = `site ${site}`;
    const sitePath = ["sites", site];
    if (!NAME_RE.test(site)) at(sitePath, where, "name", "site names are 1 to 63 letters, digits, '.', '_' or '-'");
    const siteClash = envClash("site", site);
    if (siteClash) at(sitePath, where, "name", `reads the same environment variables as site ${siteClash} (BASIP_..._SITE_${envName(site)}); rename one`);
    if (!isObj(siteValue)) {
      at(sitePath, where, "devices", "is required: the site must be a map with a devices list");
      continue;
    }
    checkKeys(sitePath, where, siteValue, ["defaults", "devices", "runner"], "");
    // The CI runner label of the site (basip-fleet sites): a label GitHub Actions accepts.
    if (siteValue.runner !== undefined && (typeof siteValue.runner !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(siteValue.runner)))
      at([...sitePath, "runner"], where, "runner", `must be a runner label (letters, digits, '.', '_', '-'), got ${JSON.stringify(siteValue.runner)}`);
    let siteDefaults: Obj = {};
    if (isObj(siteValue.defaults)) {
      checkKeys([...sitePath, "defaults"], where, siteValue.defaults, DEFAULT_KEYS, "defaults.");
      checkBlocks([...sitePath, "defaults"], where, siteValue.defaults, "defaults.");
      siteDefaults = siteValue.defaults;
    } else if (siteValue.defaults !== undefined && siteValue.defaults !== null) at([...sitePath, "defaults"], where, "defaults", "must be a map");
    if (!Array.isArray(siteValue.devices)) {
      at([...sitePath, "devices"], where, "devices", "is required: a list of devices");
      continue;
    }
    const defaults = merge(globalDefaults, siteDefaults) as Obj;
    /** Where an inherited value was written: the site's defaults, else the top-level ones. */
    const inherited = (key: string, sub: string): { path: Path; note: string } | undefined => {
      if (isObj(siteDefaults[key]) && (siteDefaults[key] as Obj)[sub] !== undefined) return { path: [...sitePath, "defaults", key, sub], note: `from the defaults of site ${site}` };
      if (isObj(globalDefaults[key]) && (globalDefaults[key] as Obj)[sub] !== undefined) return { path: ["defaults", key, sub], note: "from the top-level defaults" };
      return undefined;
    };

    siteValue.devices.forEach((entry: Value, index: number) => {
      const devPath = [...sitePath, "devices", index];
      if (!isObj(entry)) {
        at(devPath, where, `devices[${index}]`, `must be a map with name and endpoint, got ${JSON.stringify(entry)}`);
        return;
      }
      const name = entry.name;
      if (typeof name !== "string" || !NAME_RE.test(name)) {
        const got = name === undefined ? "is required" : `must be 1 to 63 letters, digits, '.', '_' or '-' (it names the resources and config keys), got ${JSON.stringify(name)}`;
        at([...devPath, "name"], `${where}: devices[${index}]`, "name", got);
        return;
      }
      const dev = `device ${name}`;
      const before = problems.length;
      const other = seenNames.get(name);
      if (other !== undefined) at([...devPath, "name"], dev, "name", `duplicate device name (also in site ${other}); resource names must be unique in a stack`);
      seenNames.set(name, site);
      const clash = envClash("device", name);
      if (clash) at([...devPath, "name"], dev, "name", `reads the same environment variables as device ${clash} (BASIP_..._DEVICE_${envName(name)}); rename one`);
      checkKeys(devPath, dev, entry, DEVICE_KEYS, "");
      checkBlocks(devPath, dev, entry);

      // accounts: a list of main/second, or one of "main", "second", "both"; default [main].
      const rawAccounts = entry.accounts ?? defaults.accounts ?? ["main"];
      const accounts = rawAccounts === "both" ? ["main", "second"] : typeof rawAccounts === "string" ? [rawAccounts] : rawAccounts;
      if (!Array.isArray(accounts) || accounts.length === 0 || !accounts.every((a) => a === "main" || a === "second") || new Set(accounts).size !== accounts.length) {
        at([...devPath, "accounts"], dev, "accounts", `must be main, second, both, or a list of main and second, got ${JSON.stringify(rawAccounts)}`);
        return;
      }
      const wants = (a: AccountName) => (accounts as string[]).includes(a);
      if (!wants("second") && isObj(entry.sip2)) at([...devPath, "sip2"], dev, "sip2", "is set but accounts does not include second");
      if (!wants("main") && isObj(entry.sip)) at([...devPath, "sip"], dev, "sip", "is set but accounts does not include main");

      const endpoint = entry.endpoint;
      if (typeof endpoint === "string") {
        const key = basip.normalizeEndpoint(endpoint).toLowerCase();
        const clash = seenEndpoints.get(key);
        if (clash !== undefined) at([...devPath, "endpoint"], dev, "endpoint", `same device as ${clash}; one device, one entry`);
        seenEndpoints.set(key, name);
      }
      const connection = (merge(defaults.device, entry.device) ?? {}) as ConnectionSpec;
      const numericUser = entry.user !== undefined && typeof entry.user !== "string";
      if (numericUser) at([...devPath, "user"], dev, "user", `must be a string; quote numbers: user: "${String(entry.user)}"`);
      const userOf: Obj = typeof entry.user === "string" ? { user: entry.user } : {};

      /** The account fields of one block, checked by the resource's rules; the password comes later, from config. */
      const fieldsOf = <T extends { device: unknown }>(block: "sip" | "sip2", validate: (args: Obj) => basip.SettingsCheck<T>): Omit<T, "device"> | undefined => {
        const merged = merge(merge(defaults[block], userOf), entry[block]);
        const result = validate({ device: { ...connection, endpoint }, ...(isObj(merged) ? merged : {}) });
        if (result.ok) {
          const { device: _device, ...fields } = result.value;
          return fields;
        }
        for (const { field, reason } of result.problems) {
          const [top, ...rest] = field.split(".");
          if (top === "device") {
            const sub = rest[0];
            const from = sub === "endpoint" || (isObj(entry.device) && entry.device[sub] !== undefined) ? undefined : inherited("device", sub);
            at(from?.path ?? [...devPath, ...(sub === "endpoint" ? [] : ["device"]), sub], dev, sub === "endpoint" ? "endpoint" : field, from ? `${reason} (${from.note})` : reason);
            continue;
          }
          if (top === "user" && numericUser) continue;
          const own = (isObj(entry[block]) && (entry[block] as Obj)[top] !== undefined) || (top === "user" && entry.user !== undefined);
          const from = own ? undefined : inherited(block, top);
          const ownPath = isObj(entry[block]) && (entry[block] as Obj)[top] !== undefined ? [...devPath, block, top, ...rest] : top === "user" && entry.user !== undefined ? [...devPath, "user"] : devPath;
          at(from?.path ?? ownPath, dev, `${block}.${field}`, from ? `${reason} (${from.note})` : reason);
        }
        return undefined;
      };
      const main = wants("main") ? fieldsOf("sip", (a) => basip.validateSipAccount(a, { ignore: ["password"] })) : undefined;
      const second = wants("second") ? fieldsOf("sip2", (a) => basip.validateSecondSipAccount(a, { ignore: ["password"] })) : undefined;
      if (problems.length === before) {
        specs.push({ name, site, endpoint: endpoint as string, connection, ...(main ? { main } : {}), ...(second ? { second } : {}) });
      }
    });
  }
  if (problems.length > 0) throw new InventoryError(problems);
  return specs;
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
