/**
 * Where the fleet's secrets come from: never the inventory; each secret has stack config keys (set
 * with `pulumi config set --secret`, encrypted in `Pulumi.<stack>.yaml`) and environment variables
 * (for CI, from repository secrets). Most specific first; at each level config before environment:
 *
 * | Secret                  | 1. per device                                       | 2. per site                                          | 3. everywhere                                  |
 * |-------------------------|-----------------------------------------------------|------------------------------------------------------|------------------------------------------------|
 * | admin password          |                                                     | `adminPassword:<site>`, `BASIP_ADMIN_PASSWORD_SITE_<SITE>` | `adminPassword`, `BASIP_ADMIN_PASSWORD`; else the provider's `basip:password` / `BASIP_PASSWORD` |
 * | main account SIP pwd    | `sip:<device>`, `BASIP_SIP_PASSWORD_DEVICE_<DEVICE>` | `sipSite:<site>`, `BASIP_SIP_PASSWORD_SITE_<SITE>`   |                                                |
 * | second account SIP pwd  | `sip2:<device>`, `BASIP_SIP2_PASSWORD_DEVICE_<DEVICE>` | `sip2Site:<site>`, `BASIP_SIP2_PASSWORD_SITE_<SITE>` |                                                |
 *
 * `<SITE>` and `<DEVICE>` are the names upper-cased with every other character than A-Z and 0-9
 * turned into `_` (`north-lobby.1` -> `NORTH_LOBBY_1`). Pure: this module only names the sources.
 */

/** One place a secret may be read from. */
export type SecretSource = { readonly kind: "config"; readonly namespace: string; readonly key: string } | { readonly kind: "env"; readonly name: string };

export type SecretKind = "admin" | "sip" | "sip2";

/** `north-lobby.1` -> `NORTH_LOBBY_1`, the form a name takes in an environment variable. */
export const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]/g, "_");

const config = (namespace: string, key: string): SecretSource => ({ kind: "config", namespace, key });
const env = (name: string): SecretSource => ({ kind: "env", name });

/**
 * The sources of one secret of one device, first found wins. `project` is the config namespace of
 * the stack's project (the keys without a namespace in `pulumi config set`).
 */
export function secretSources(kind: SecretKind, device: string, site: string, project: string): SecretSource[] {
  const S = envName(site);
  if (kind === "admin") {
    return [config("adminPassword", site), env(`BASIP_ADMIN_PASSWORD_SITE_${S}`), config(project, "adminPassword"), env("BASIP_ADMIN_PASSWORD")];
  }
  const K = kind === "sip" ? "SIP" : "SIP2";
  return [config(kind, device), env(`BASIP_${K}_PASSWORD_DEVICE_${envName(device)}`), config(`${kind}Site`, site), env(`BASIP_${K}_PASSWORD_SITE_${S}`)];
}

/** `sip:lobby-1` or `$BASIP_SIP_PASSWORD_DEVICE_LOBBY_1`, as messages name a source. */
export function describeSource(s: SecretSource, project: string): string {
  if (s.kind === "env") return `$${s.name}`;
  return s.namespace === project ? s.key : `${s.namespace}:${s.key}`;
}
