/**
 * The fleet inventory: which devices exist, where they are, and their non-secret SIP settings.
 * Pure: `parseInventory(text, file)` turns a file's text into device specs or throws an
 * `InventoryError` listing every problem, each as `<file>:<line>: device <name>: <field>: <reason>`.
 * The document's shape is an io-ts codec (`inventory-codec.ts`); the rules across devices (names,
 * endpoints, environment variables) and the merge of defaults are here. The file is full YAML (the `yaml` package; anchors and `<<` merge keys work, duplicate keys are
 * errors). Account fields are checked with the resources' own rules (`basip.validateSipAccount`), so
 * a file that loads here passes the resources' `check` at preview. Format: docs/fleet.md, "Inventory format".
 */
import * as fs from "fs";
import * as basip from "pulumi-basip";
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument, YAMLError } from "yaml";
import { describe, DOCUMENT_NOT_A_MAP, InventoryDocument, isName, Path } from "./inventory-codec";
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
const isObj = basip.isObject as (v: unknown) => v is Obj;

/** Deep merge of plain maps; lists and scalars of `over` replace (how defaults apply; discover writes by it too). */
export function merge(base: Value, over: Value): Value {
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
    return out;
  }
  return over === undefined ? base : over;
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
    const name = isObj(entry) && isName(entry.name) ? `device ${entry.name}` : `site ${site}: devices[${index}]`;
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

  if (!isObj(doc)) throw new InventoryError([`${file}: ${DOCUMENT_NOT_A_MAP}`]);
  const shape = InventoryDocument.decode(doc);
  if (shape._tag === "Left") {
    for (const e of shape.left) {
      const { path, where, field, reason } = describe(e, doc);
      at(path, where, field, reason);
    }
  }
  if (!isObj(doc.sites) || Object.keys(doc.sites).length === 0) throw new InventoryError(problems);
  const globalDefaults = isObj(doc.defaults) ? doc.defaults : {};

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
  /** Device key (`basip.deviceKey`) -> the first entry with it, as a message names it. */
  const seenEndpoints = new Map<string, string>();
  for (const [site, siteValue] of Object.entries(doc.sites)) {
    const where = `site ${site}`;
    const sitePath = ["sites", site];
    const siteClash = envClash("site", site);
    if (siteClash) at(sitePath, where, "name", `reads the same environment variables as site ${siteClash} (BASIP_..._SITE_${envName(site)}); rename one`);
    // The codec has reported a site that is no map or has no devices list.
    if (!isObj(siteValue) || !Array.isArray(siteValue.devices)) continue;
    const siteDefaults: Obj = isObj(siteValue.defaults) ? siteValue.defaults : {};
    const defaults = merge(globalDefaults, siteDefaults) as Obj;
    /** Where an inherited value was written: the site's defaults, else the top-level ones. */
    const inherited = (key: string, sub: string): { path: Path; note: string } | undefined => {
      if (isObj(siteDefaults[key]) && (siteDefaults[key] as Obj)[sub] !== undefined) return { path: [...sitePath, "defaults", key, sub], note: `from the defaults of site ${site}` };
      if (isObj(globalDefaults[key]) && (globalDefaults[key] as Obj)[sub] !== undefined) return { path: ["defaults", key, sub], note: "from the top-level defaults" };
      return undefined;
    };

    siteValue.devices.forEach((entry: Value, index: number) => {
      const devPath = [...sitePath, "devices", index];
      // The codec has reported an entry that is no map or has no usable name.
      if (!isObj(entry) || !isName(entry.name)) return;
      const name = entry.name;
      const dev = `device ${name}`;
      const other = seenNames.get(name);
      if (other !== undefined) at([...devPath, "name"], dev, "name", `duplicate device name (also in site ${other}); resource names must be unique in a stack`);
      seenNames.set(name, site);
      const clash = envClash("device", name);
      if (clash) at([...devPath, "name"], dev, "name", `reads the same environment variables as device ${clash} (BASIP_..._DEVICE_${envName(name)}); rename one`);

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
        const key = basip.deviceKey(endpoint);
        const first = seenEndpoints.get(key);
        if (first !== undefined) at([...devPath, "endpoint"], dev, "endpoint", `same device as ${first}; one device, one entry`);
        else seenEndpoints.set(key, `${name} (site ${site}, ${file}:${lines.of([...devPath, "endpoint"])})`);
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
      // Pushed whatever the problems: any problem fails the whole file below.
      specs.push({ name, site, endpoint: endpoint as string, connection, ...(main ? { main } : {}), ...(second ? { second } : {}) });
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
