/**
 * The shape of an inventory document as an io-ts codec, and the reporter that turns its errors into
 * `<file>:<line>: <where>: <field>: <reason>`. The codec checks structure only: which keys a map may
 * have (a key named like a secret is refused with where the secret goes instead), which values must
 * be maps or lists, device and site names. Account fields are left to the resources' own rules and
 * the rules across devices (names, endpoints) to `inventory.ts`. Pure.
 */
import * as t from "io-ts";
import * as basip from "pulumi-basip";

/** Device and site names: they name resources, stacks and config keys. */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const isName = (u: unknown): u is string => typeof u === "string" && NAME_RE.test(u);

type Obj = Record<string, unknown>;
/** Account and connection settings as written: checked by the resources' rules later. */
export type Fields = Obj;
/** A `defaults` map (top level or a site's). */
export interface Defaults {
  readonly sip?: Fields | null;
  readonly sip2?: Fields | null;
  readonly device?: Fields | null;
  readonly accounts?: unknown;
}
/** One entry of a site's `devices`. */
export interface DeviceEntry extends Defaults {
  readonly name: string;
  readonly endpoint?: unknown;
  readonly user?: unknown;
}
export interface Site {
  readonly defaults?: Defaults | null;
  readonly devices: readonly DeviceEntry[];
  /** The label of the CI runner inside the site's network (`basip-fleet sites`). */
  readonly runner?: string;
}
/** A whole inventory file. */
export interface InventoryDocument {
  readonly defaults?: Defaults | null;
  readonly sites: Readonly<Record<string, Site>>;
}

const SECRET_REFUSAL = "secrets must not be in the inventory file (it is not encrypted)";
const withoutPassword = (keys: readonly string[]) => keys.filter((k) => k !== "password");

const entry = (c: t.Context, key: string | number, actual?: unknown): t.Context => [...c, { key: String(key), type: t.unknown, actual }];
const fail = (c: t.Context, key: string | number, actual: unknown, message: string): t.Errors => [{ value: actual, context: entry(c, key, actual), message }];

/**
 * A map with a closed set of keys: a key named like a secret or not in `expected` is an error of its
 * own, then each declared property is checked in order. `required` names a missing property's
 * error; a value that is no map is `notMap`'s error, at the map itself.
 */
function closedMap<A>(
  name: string,
  props: Readonly<Record<string, t.Decoder<unknown, unknown>>>,
  opts: { expected?: readonly string[]; required?: Readonly<Record<string, string>>; notMap: (u: unknown) => string },
): t.Type<A, A, unknown> {
  const expected = opts.expected ?? Object.keys(props);
  return new t.Type<A, A, unknown>(
    name,
    (u): u is A => basip.isObject(u),
    (u, c) => {
      if (!basip.isObject(u)) return t.failure(u, c, opts.notMap(u));
      const errors: t.Errors = [];
      for (const key of Object.keys(u)) {
        if (basip.isSecretName(key)) errors.push(...fail(c, key, undefined, SECRET_REFUSAL));
        else if (!expected.includes(key)) errors.push(...fail(c, key, u[key], `unknown field; expected one of ${expected.join(", ")}`));
      }
      for (const [key, codec] of Object.entries(props)) {
        const v = u[key];
        if (v === undefined) {
          const missing = opts.required?.[key];
          if (missing !== undefined) errors.push(...fail(c, key, v, missing));
          continue;
        }
        const r = codec.validate(v, entry(c, key, v));
        if (r._tag === "Left") errors.push(...r.left);
      }
      return errors.length > 0 ? t.failures(errors) : t.success(u as A);
    },
    t.identity,
  );
}

/** A `sip`, `sip2` or `device` block: absent, empty, or a map of the block's fields. */
const block = (name: string, fields: readonly string[]) => {
  const map = closedMap<Fields>(name, Object.fromEntries(fields.map((f) => [f, t.unknown])), { notMap: (u) => `must be a map of fields, got ${JSON.stringify(u)}` });
  return new t.Type<Fields | null, Fields | null, unknown>(name, (u): u is Fields | null => u === null || map.is(u), (u, c) => (u === null ? t.success(null) : map.validate(u, c)), t.identity);
};
const BLOCKS = {
  sip: block("SipBlock", withoutPassword(basip.ACCOUNT_FIELDS.main)),
  sip2: block("Sip2Block", withoutPassword(basip.ACCOUNT_FIELDS.second)),
  device: block("DeviceBlock", basip.DEVICE_CONNECTION_FIELDS),
};
const DEFAULT_PROPS = { ...BLOCKS, accounts: t.unknown };

const DefaultsMap = closedMap<Defaults>("Defaults", DEFAULT_PROPS, { notMap: () => "must be a map" });
const OptionalDefaults = new t.Type<Defaults | null, Defaults | null, unknown>("OptionalDefaults", (u): u is Defaults | null => u === null || DefaultsMap.is(u), (u, c) => (u === null ? t.success(null) : DefaultsMap.validate(u, c)), t.identity);

const DeviceMap = closedMap<DeviceEntry>("DeviceEntry", DEFAULT_PROPS, {
  expected: ["name", "endpoint", "user", ...Object.keys(DEFAULT_PROPS)],
  notMap: (u) => `must be a map with name and endpoint, got ${JSON.stringify(u)}`,
});
/** A device entry; a bad name is its only error, since the name is how every other error names it. */
const Device = new t.Type<DeviceEntry, DeviceEntry, unknown>(
  "Device",
  (u): u is DeviceEntry => basip.isObject(u) && isName(u.name) && DeviceMap.is(u),
  (u, c) => {
    if (!basip.isObject(u) || isName(u.name)) return DeviceMap.validate(u, c);
    const reason = u.name === undefined ? "is required" : `must be 1 to 63 letters, digits, '.', '_' or '-' (it names the resources and config keys), got ${JSON.stringify(u.name)}`;
    return t.failures(fail(c, "name", u.name, reason));
  },
  t.identity,
);

const Devices = new t.Type<readonly DeviceEntry[], readonly DeviceEntry[], unknown>(
  "Devices",
  (u): u is DeviceEntry[] => Array.isArray(u) && u.every(Device.is),
  (u, c) => {
    if (!Array.isArray(u)) return t.failure(u, c, "is required: a list of devices");
    const errors = u.flatMap((d, i) => {
      const r = Device.validate(d, entry(c, i, d));
      return r._tag === "Left" ? r.left : [];
    });
    return errors.length > 0 ? t.failures(errors) : t.success(u as DeviceEntry[]);
  },
  t.identity,
);

const RUNNER_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** A site's CI runner label: a label GitHub Actions accepts. */
const RunnerLabel = new t.Type<string, string, unknown>(
  "RunnerLabel",
  (u): u is string => typeof u === "string" && RUNNER_RE.test(u),
  (u, c) => (typeof u === "string" && RUNNER_RE.test(u) ? t.success(u) : t.failure(u, c, `must be a runner label (letters, digits, '.', '_', '-'), got ${JSON.stringify(u)}`)),
  t.identity,
);

const SiteMap = closedMap<Site>("Site", { defaults: OptionalDefaults, devices: Devices, runner: RunnerLabel }, {
  required: { devices: "is required: a list of devices" },
  notMap: () => "is required: the site must be a map with a devices list",
});

/** The one problem of a file that is no map: there is nothing to point a line at. */
export const DOCUMENT_NOT_A_MAP = 'the file must be a map with a "sites" key (see docs/fleet.md, "Inventory format")';

const SITES_REQUIRED = "is required: a map of site name to {defaults, devices}";
/** The sites: a non-empty map of site name to site; a bad site name is reported as the site's `name`. */
const Sites = new t.Type<Readonly<Record<string, Site>>, Readonly<Record<string, Site>>, unknown>(
  "Sites",
  (u): u is Record<string, Site> => basip.isObject(u) && Object.entries(u).every(([k, v]) => isName(k) && SiteMap.is(v)),
  (u, c) => {
    if (!basip.isObject(u) || Object.keys(u).length === 0) return t.failure(u, c, SITES_REQUIRED);
    const errors = Object.entries(u).flatMap(([site, value]) => {
      const named = isName(site) ? [] : fail(entry(c, site, value), "name", site, "site names are 1 to 63 letters, digits, '.', '_' or '-'");
      // A site that is no map is reported as missing its devices, where its key is.
      const r = SiteMap.validate(value, basip.isObject(value) ? entry(c, site, value) : entry(entry(c, site, value), "devices"));
      return [...named, ...(r._tag === "Left" ? r.left : [])];
    });
    return errors.length > 0 ? t.failures(errors) : t.success(u as Record<string, Site>);
  },
  t.identity,
);

/** An inventory document: `sites` and optional top-level `defaults`, nothing else. */
export const InventoryDocument = closedMap<InventoryDocument>(
  "InventoryDocument",
  { defaults: OptionalDefaults, sites: Sites },
  { expected: ["sites", "defaults"], required: { sites: SITES_REQUIRED }, notMap: () => DOCUMENT_NOT_A_MAP },
);

/** Where a value sits in the document: keys and list indexes from the root. */
export type Path = readonly (string | number)[];

/** An io-ts error's path in the document: a device's index is a number, as in the YAML tree. */
export function pathOf(e: t.ValidationError): Path {
  const keys = e.context.slice(1).map((entry) => entry.key);
  return keys.map((k, i) => (i === 3 && keys[0] === "sites" && keys[2] === "devices" ? Number(k) : k));
}

/** How messages name who a path belongs to (`top level`, `site north`, `device lobby-1`) and the field under it. */
export function ownerOf(path: Path, doc: unknown): { where: string; field: string } {
  const [top, site, kind, index, ...rest] = path;
  if (top !== "sites" || site === undefined) return { where: "top level", field: path.join(".") };
  const where = `site ${site}`;
  if (kind !== "devices" || index === undefined) return { where, field: path.slice(2).join(".") };
  const device = (doc as { sites: Record<string, { devices: unknown[] }> }).sites[site].devices[index as number];
  if (!basip.isObject(device)) return { where, field: `devices[${index}]` };
  return { where: isName(device.name) ? `device ${device.name}` : `${where}: devices[${index}]`, field: rest.join(".") };
}

/** Where a secret belongs instead (`where` is `device <name>`, `site <name>` or `top level`). */
function secretHint(field: string, where: string): string {
  const [kind, name] = where.split(" ");
  const account = /(^|\.)sip2\./.test(field) ? "sip2" : /(^|\.)sip\./.test(field) ? "sip" : undefined;
  if (account === undefined) {
    const key = kind === "site" ? `adminPassword:${name}` : "adminPassword";
    return `set the admin password with: pulumi config set --secret ${key} <password>`;
  }
  const key = kind === "device" ? `${account}:${name}` : kind === "site" ? `${account}Site:${name}` : `${account}Site:<site>`;
  return `set it with: pulumi config set --secret ${key} <password>`;
}

/** One codec error as `<where>`, `<field>` and `<reason>`, with its path for the line. */
export function describe(e: t.ValidationError, doc: unknown): { path: Path; where: string; field: string; reason: string } {
  const path = pathOf(e);
  const { where, field } = ownerOf(path, doc);
  const message = e.message ?? "is not valid";
  return { path, where, field, reason: message === SECRET_REFUSAL ? `${message}; ${secretHint(field, where)}` : message };
}
