/**
 * The fleet program: one `SipAccount` and/or one `SecondSipAccount` per device of an inventory file,
 * each resource named after its device. The inventory holds no secrets; they come from stack config:
 *
 * | Secret                  | Config keys, first found wins                                              |
 * |-------------------------|----------------------------------------------------------------------------|
 * | admin password          | `adminPassword:<site>`, `adminPassword` (project), then `basip:password`*   |
 * | main account SIP pwd    | `sip:<device>`, `sipSite:<site>`                                           |
 * | second account SIP pwd  | `sip2:<device>`, `sip2Site:<site>`                                         |
 *
 * (*) `basip:password` is read by the provider itself, so that password is never stored in resource
 * state. Everything is checked before any resource is declared: a bad inventory or a missing secret
 * fails the preview with every problem listed and no device contacted.
 */
import * as pulumi from "@pulumi/pulumi";
import * as basip from "pulumi-basip";
import { DeviceSpec, InventoryError, loadInventory } from "./inventory";

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
const secret = (namespace: string, key: string): Secret => new pulumi.Config(namespace).getSecret(key);

/** The SIP password of one account of a device, per device first, then per site. */
function sipPassword(kind: "sip" | "sip2", d: DeviceSpec): Secret {
  return secret(kind, d.name) ?? secret(`${kind}Site`, d.site);
}

/**
 * Declares the fleet described by `inventoryPath` (relative to the working directory, which is the
 * project directory under `pulumi up`). Throws, before declaring anything, on any inventory problem
 * or missing secret.
 */
export function fleet(inventoryPath: string, opts: FleetOptions = {}): FleetOutputs {
  const all = loadInventory(inventoryPath);
  const known = new Set(all.map((d) => d.site));
  const unknownSites = (opts.sites ?? []).filter((s) => !known.has(s));
  if (unknownSites.length > 0) {
    throw new InventoryError([`${inventoryPath}: site ${unknownSites.join(", ")}: not in the inventory (sites: ${[...known].join(", ")})`]);
  }
  const devices = opts.sites && opts.sites.length > 0 ? all.filter((d) => opts.sites!.includes(d.site)) : all;

  const project = new pulumi.Config();
  const providerHasAdmin = new pulumi.Config("basip").get("password") !== undefined;
  const missing: string[] = [];
  const plan = devices.map((d) => {
    const admin = secret("adminPassword", d.site) ?? project.getSecret("adminPassword");
    if (admin === undefined && !providerHasAdmin) {
      missing.push(`device ${d.name}: admin password: set one of adminPassword:${d.site}, adminPassword, basip:password (pulumi config set --secret ...)`);
    }
    const sip = d.main ? sipPassword("sip", d) : undefined;
    if (d.main && sip === undefined) missing.push(`device ${d.name}: main account SIP password: set sip:${d.name} or sipSite:${d.site} (pulumi config set --secret ...)`);
    const sip2 = d.second ? sipPassword("sip2", d) : undefined;
    if (d.second && sip2 === undefined) missing.push(`device ${d.name}: second account SIP password: set sip2:${d.name} or sip2Site:${d.site} (pulumi config set --secret ...)`);
    return { d, admin, sip, sip2 };
  });
  if (missing.length > 0) throw new InventoryError(missing.map((m) => `stack config: ${m}`));

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
