/**
 * Writes what `discover` found into an inventory's YAML, merging with the file that is there: its
 * comments, order and entries stay; a device already in it (same endpoint, in any site) keeps its
 * entry unless `update` is set; new devices are appended to their site, written over that site's
 * defaults; a new site gets the defaults its devices share. Pure: text in, text out.
 */
import * as basip from "pulumi-basip";
import { Document, isMap, isPair, isScalar, isSeq, parseDocument, visit } from "yaml";
import { accountsOf, DeviceEntry, effectiveDefaults, entryFor, factorDefaults, PanelReading, same, SiteDefaults, uniqueNames, wantedName } from "./discover-factor";

/** What became of one panel that was read. */
export type Outcome = "added" | "kept" | "updated" | "unchanged" | "skipped";

export interface DeviceOutcome {
  readonly endpoint: string;
  /** The device's name in the inventory (for `skipped`, the name it would have had). */
  readonly name: string;
  /** The site it is in (for a device already present, the site the file has it in). */
  readonly site: string;
  readonly outcome: Outcome;
  /** For `skipped`: why. */
  readonly why?: string;
}

export interface MergeResult {
  readonly text: string;
  readonly devices: readonly DeviceOutcome[];
}

type Obj = Record<string, unknown>;
const isObj = basip.isObject;
/** One device however its endpoint is spelled (`http://x`, `http://X:80/`): the inventory's own rule. */
const key = basip.deviceKey;

const HEADER = [
  " Written by basip-fleet discover: what the panels held when they were read. No secrets: SIP",
  " passwords cannot be read back (the panels answer WebPass) and come from stack config or the",
  " environment (see the fleet README, Secrets). Review it, then basip-fleet preview.",
].join("\n");

/** A YAML node of `value`, with `stun` maps on one line. */
function nodeOf(doc: Document, value: unknown) {
  const node = doc.createNode(value);
  visit(node, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === "stun" && isMap(pair.value)) pair.value.flow = true;
    },
  });
  return node;
}

/** The problems of a reading as inventory input (the resources' own rules), none when it can be written. */
export function readingProblems(r: PanelReading): string[] {
  const device = { endpoint: r.endpoint, ...(r.secondAccountPath ? { secondAccountPath: r.secondAccountPath } : {}) };
  const accounts = accountsOf(r);
  const problems: string[] = [];
  if (accounts.includes("main")) {
    const c = basip.validateSipAccount({ device, ...r.main, ...(r.enabled === false ? { enabled: false } : {}) }, { ignore: ["password"] });
    if (!c.ok) problems.push(...c.problems.map((p) => `sip.${p.field}: ${p.reason}`));
  }
  if (accounts.includes("second")) {
    const c = basip.validateSecondSipAccount({ device, ...r.second }, { ignore: ["password"] });
    if (!c.ok) problems.push(...c.problems.map((p) => `sip2.${p.field}: ${p.reason}`));
  }
  return problems;
}

/**
 * Merges `readings` into the inventory `existing` (undefined: a new file). Panels whose accounts are
 * all at factory settings, or whose values the resources would refuse, are `skipped` (not written).
 */
export function mergeInventory(existing: string | undefined, readings: readonly PanelReading[], opts: { update: boolean }): MergeResult {
  const doc = existing === undefined || existing.trim() === "" ? new Document({ sites: {} }) : parseDocument(existing, { uniqueKeys: true, merge: true });
  if (existing === undefined || existing.trim() === "") doc.commentBefore = HEADER;
  if (doc.errors.length > 0) throw new Error(`the existing inventory is not valid YAML: ${doc.errors[0].message}`);
  const js = (doc.toJS({ maxAliasCount: 1000 }) ?? {}) as Obj;
  if (!isObj(js.sites)) doc.set("sites", doc.createNode({}));
  const sites = (isObj(js.sites) ? js.sites : {}) as Record<string, { defaults?: SiteDefaults; devices?: unknown[] }>;
  const top = (isObj(js.defaults) ? js.defaults : {}) as SiteDefaults;

  // Every device already in the file, by endpoint, with where it sits.
  const present = new Map<string, { site: string; index: number; name: string; entry: unknown }>();
  const taken: string[] = [];
  for (const [site, s] of Object.entries(sites)) {
    (Array.isArray(s?.devices) ? s.devices : []).forEach((d, index) => {
      if (!isObj(d)) return;
      if (typeof d.name === "string") taken.push(d.name);
      if (typeof d.endpoint === "string") present.set(key(d.endpoint), { site, index, name: String(d.name), entry: d });
    });
  }

  const outcomes: DeviceOutcome[] = [];
  const fresh: PanelReading[] = [];
  for (const r of readings) {
    const problems = readingProblems(r);
    const at = present.get(key(r.endpoint));
    if (accountsOf(r).length === 0) {
      outcomes.push({ endpoint: r.endpoint, name: at?.name ?? wantedName(r), site: at?.site ?? r.site, outcome: "skipped", why: "every account is at factory settings: nothing to manage" });
    } else if (problems.length > 0) {
      outcomes.push({ endpoint: r.endpoint, name: at?.name ?? wantedName(r), site: at?.site ?? r.site, outcome: "skipped", why: `its values would be refused: ${problems.join("; ")}` });
    } else if (at === undefined) {
      fresh.push(r);
    } else if (!opts.update) {
      outcomes.push({ endpoint: r.endpoint, name: at.name, site: at.site, outcome: "kept" });
    } else {
      const entry = entryFor(r, at.name, effectiveDefaults(top, sites[at.site]?.defaults));
      const unchanged = same(at.entry, entry);
      if (!unchanged) doc.setIn(["sites", at.site, "devices", at.index], nodeOf(doc, entry));
      outcomes.push({ endpoint: r.endpoint, name: at.name, site: at.site, outcome: unchanged ? "unchanged" : "updated" });
    }
  }

  const names = uniqueNames(fresh.map(wantedName), taken);
  const bySite = new Map<string, { r: PanelReading; name: string }[]>();
  fresh.forEach((r, i) => bySite.set(r.site, [...(bySite.get(r.site) ?? []), { r, name: names[i] }]));
  for (const [site, list] of bySite) {
    const known = sites[site];
    if (known === undefined) {
      const defaults = factorDefaults(
        list.map((x) => x.r),
        top,
      );
      const effective = effectiveDefaults(top, defaults);
      const entries: DeviceEntry[] = list.map(({ r, name }) => entryFor(r, name, effective));
      doc.setIn(["sites", site], nodeOf(doc, { ...(Object.keys(defaults).length > 0 ? { defaults } : {}), devices: entries }));
    } else {
      const effective = effectiveDefaults(top, known.defaults);
      const seq = doc.getIn(["sites", site, "devices"], true);
      const entries = list.map(({ r, name }) => entryFor(r, name, effective));
      if (isSeq(seq)) for (const e of entries) seq.add(nodeOf(doc, e));
      else doc.setIn(["sites", site, "devices"], nodeOf(doc, entries));
    }
    for (const { r, name } of list) outcomes.push({ endpoint: r.endpoint, name, site, outcome: "added" });
  }
  const order = new Map(readings.map((r, i) => [r.endpoint, i]));
  outcomes.sort((a, b) => (order.get(a.endpoint) ?? 0) - (order.get(b.endpoint) ?? 0));
  return { text: doc.toString({ lineWidth: 0 }), devices: outcomes };
}
