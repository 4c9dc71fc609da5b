/**
 * The fleet program: one `SipAccount` and/or one `SecondSipAccount` per device of an inventory, each
 * resource named after its device. The inventory holds no secrets; they come from stack config or
 * environment variables (`secrets.ts` names them). Everything is checked before any resource is
 * declared: a bad inventory or a missing secret fails the preview with every problem listed and no
 * device contacted. Uses only the package's public API.
 */
import * as pulumi from "@pulumi/pulumi";
import * as basip from "pulumi-basip";
import { DeviceSpec, InventoryError, loadInventory } from "./inventory";
import { describeSource, SecretKind, secretSources } from "./secrets";

export interface FleetOptions {
  /** Manage only these sites of the inventory (a stack per site). Default: every site. */
  sites?: string[];
  /** Options given to every resource (e.g. `protect`, `ignoreChanges`). */
  resourceOptions?: pulumi.CustomResourceOptions;
}

export interface DeviceOutputs {
  site: string;
  endpoint: string;
  /** Id of the main account resource (`<endpoint>#sip-account`), when managed. */
  main?: pulumi.Output<string>;
  /** Id of the second account resource, when managed. */
  second?: pulumi.Output<string>;
}

export interface FleetOutputs {
  /** Device name -> what was declared for it. */
  devices: Record<string, DeviceOutputs>;
}

type Secret = pulumi.Output<string> | undefined;

const TITLES: Record<SecretKind, string> = { admin: "admin password", sip: "main account SIP password", sip2: "second account SIP password" };

/** The first source of a secret that has a value, made secret; or the sources tried, for the message. */
function lookup(kind: SecretKind, d: DeviceSpec, project: string): { value: Secret; tried: string[] } {
  const sources = secretSources(kind, d.name, d.site, project);
  for (const s of sources) {
    const value = s.kind === "config" ? new pulumi.Config(s.namespace).getSecret(s.key) : process.env[s.name] ? pulumi.secret(process.env[s.name] as string) : undefined;
    if (value !== undefined) return { value, tried: [] };
  }
  return { value: undefined, tried: sources.map((s) => describeSource(s, project)) };
}

/**
 * Declares the given devices (already loaded and validated). Throws an `InventoryError` naming every
 * missing secret, with the config keys and environment variables that would do, before declaring anything.
 */
export function fleetProgram(devices: readonly DeviceSpec[], opts: Pick<FleetOptions, "resourceOptions"> = {}): FleetOutputs {
  const project = pulumi.getProject();
  // The provider itself reads basip:password, then BASIP_PASSWORD: then no admin password is put in state.
  const providerHasAdmin = new pulumi.Config("basip").get("password") !== undefined || !!process.env.BASIP_PASSWORD;
  const missing: string[] = [];
  const need = (kind: SecretKind, d: DeviceSpec, optional = false): Secret => {
    const { value, tried } = lookup(kind, d, project);
    if (value === undefined && !optional) {
      const also = kind === "admin" ? ", basip:password, $BASIP_PASSWORD" : "";
      missing.push(`device ${d.name}: ${TITLES[kind]}: set one of ${tried.join(", ")}${also} (pulumi config set --secret KEY, or the environment variable)`);
    }
    return value;
  };
  const plan = devices.map((d) => ({
    d,
    admin: need("admin", d, providerHasAdmin),
    sip: d.main ? need("sip", d) : undefined,
    sip2: d.second ? need("sip2", d) : undefined,
  }));
  if (missing.length > 0) throw new InventoryError(missing.map((m) => `secrets: ${m}`));

  const out: FleetOutputs = { devices: {} };
  for (const { d, admin, sip, sip2 } of plan) {
    const device: basip.DeviceArgs = { ...d.connection, endpoint: d.endpoint, ...(admin ? { password: admin } : {}) };
    const entry: DeviceOutputs = { site: d.site, endpoint: d.endpoint };
    if (d.main && sip) {
      const args: basip.SipAccountArgs = { ...d.main, device, password: sip };
      entry.main = new basip.SipAccount(d.name, args, opts.resourceOptions).id;
    }
    if (d.second && sip2) {
      const args: basip.SecondSipAccountArgs = { ...d.second, device, password: sip2 };
      entry.second = new basip.SecondSipAccount(d.name, args, opts.resourceOptions).id;
    }
    out.devices[d.name] = entry;
  }
  return out;
}

/** The devices of `sites` (every site when empty); an unknown site is an error naming the known ones. */
export function selectSites(all: readonly DeviceSpec[], sites: readonly string[] | undefined, file: string): DeviceSpec[] {
  const known = [...new Set(all.map((d) => d.site))];
  const unknown = (sites ?? []).filter((s) => !known.includes(s));
  if (unknown.length > 0) throw new InventoryError([`${file}: site ${unknown.join(", ")}: not in the inventory (sites: ${known.join(", ")})`]);
  return sites && sites.length > 0 ? all.filter((d) => sites.includes(d.site)) : [...all];
}

/**
 * Declares the fleet described by `inventoryPath` (relative to the working directory, which is the
 * project directory under `pulumi up`). Throws, before declaring anything, on any inventory problem
 * or missing secret.
 */
export function fleet(inventoryPath: string, opts: FleetOptions = {}): FleetOutputs {
  return fleetProgram(selectSites(loadInventory(inventoryPath), opts.sites, inventoryPath), opts);
}
