/**
 * The report of a `discover` run, as JSON and Markdown: per panel its model, firmware, registration,
 * the accounts found and what became of it in the inventory, what the first `up` will write to it
 * (the SIP passwords only: every other value is the one read), and the panels that could not be read
 * and why. Pure.
 */
import { deviceKey } from "pulumi-basip";
import type { AccountName, DeviceSpec } from "./inventory";
import { accountsOf, PanelFailure, PanelReading, same } from "./discover-factor";
import type { DeviceOutcome, Outcome } from "./discover-yaml";
import { code, escapeCell } from "./markdown";

export interface DiscoveredDevice {
  readonly name: string;
  readonly site: string;
  readonly endpoint: string;
  readonly outcome: Outcome;
  readonly why?: string;
  readonly model?: string;
  readonly firmware?: string;
  /** The main account's registration status when read (`OK`, `OFFLINE`, `ERROR`, `UNKNOWN`). */
  readonly registration?: string;
  /** The accounts the inventory manages (for a new entry: the ones not at factory settings). */
  readonly accounts: readonly AccountName[];
  readonly secondAccountPath?: string;
  /** What the first `up` writes to this panel. */
  readonly firstUp: string;
  readonly notes: readonly string[];
}

export interface DiscoverReport {
  /** The inventory file written. */
  readonly inventory: string;
  readonly totals: { panels: number; read: number; unreadable: number } & Record<Outcome, number>;
  readonly devices: readonly DiscoveredDevice[];
  readonly unreadable: readonly PanelFailure[];
}

const ACCOUNT_TITLE: Record<AccountName, string> = { main: "main", second: "second" };

/**
 * Where the inventory's entry for a panel differs from what the panel holds, as `field: "panel" →
 * "inventory"`: what the first `up` would change besides the password. Fields the inventory leaves
 * out are not written, so they do not count.
 */
export function differences(r: PanelReading, spec: DeviceSpec): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (v === undefined ? "(unset)" : JSON.stringify(v));
  const compare = (prefix: string, want: Record<string, unknown> | undefined, held: Record<string, unknown> | undefined) => {
    if (want === undefined) return;
    if (held === undefined) {
      out.push(`${prefix}: the panel has no such account at ${spec.connection.secondAccountPath ?? "the default path"}`);
      return;
    }
    // Only device fields: options such as waitForRegistration are not on the panel.
    for (const [k, v] of Object.entries(want)) if (k in held && !same(v, held[k])) out.push(`${prefix}.${k}: ${show(held[k])} → ${show(v)}`);
  };
  compare("sip", spec.main, r.main && { ...r.main, enabled: r.enabled });
  compare("sip2", spec.second, r.second);
  return out;
}

/** What the first `up` will write, said plainly. */
function firstUp(outcome: Outcome, accounts: readonly AccountName[], diffs: readonly string[]): string {
  if (outcome === "skipped") return "nothing (not in the inventory)";
  const which = accounts.map((a) => ACCOUNT_TITLE[a]).join(" and ");
  const password = `the SIP password of the ${which} account${accounts.length > 1 ? "s" : ""}`;
  if (diffs.length === 0) return `only ${password}: every other value is the one read`;
  return `${password}, and changes ${diffs.join("; ")} (the inventory's entry, kept; discover --update takes the panel's values)`;
}

/** The report; `specs` are the written inventory's devices by `deviceKey` (what the first `up` writes). */
export function buildDiscoverReport(
  inventory: string,
  readings: readonly PanelReading[],
  failures: readonly PanelFailure[],
  outcomes: readonly DeviceOutcome[],
  specs: ReadonlyMap<string, DeviceSpec> = new Map(),
): DiscoverReport {
  const byEndpoint = new Map(readings.map((r) => [r.endpoint, r]));
  const devices = outcomes.map((o): DiscoveredDevice => {
    const r = byEndpoint.get(o.endpoint)!;
    const spec = o.outcome === "skipped" ? undefined : specs.get(deviceKey(o.endpoint));
    const accounts: AccountName[] = spec === undefined ? accountsOf(r) : [...(spec.main ? ["main" as const] : []), ...(spec.second ? ["second" as const] : [])];
    const diffs = spec === undefined ? [] : differences(r, spec);
    return {
      name: o.name,
      site: o.site,
      endpoint: o.endpoint,
      outcome: o.outcome,
      ...(o.why ? { why: o.why } : {}),
      ...(r.info?.model ? { model: r.info.model } : {}),
      ...(r.info?.firmwareVersion ? { firmware: r.info.firmwareVersion } : {}),
      ...(r.registration ? { registration: r.registration.status } : {}),
      accounts,
      ...(accounts.includes("second") && (spec?.connection.secondAccountPath ?? r.secondAccountPath) ? { secondAccountPath: spec?.connection.secondAccountPath ?? r.secondAccountPath } : {}),
      firstUp: firstUp(o.outcome, accounts, diffs),
      notes: r.notes,
    };
  });
  const totals = { panels: readings.length + failures.length, read: readings.length, unreadable: failures.length, added: 0, kept: 0, updated: 0, unchanged: 0, skipped: 0 };
  for (const d of devices) totals[d.outcome]++;
  return { inventory, totals, devices, unreadable: failures };
}

const cell = (s: string | undefined) => escapeCell(s ?? "");

export function renderDiscoverMarkdown(r: DiscoverReport): string {
  const t = r.totals;
  const regs = r.devices.filter((d) => d.registration !== undefined && d.accounts.includes("main"));
  const notOk = regs.filter((d) => d.registration !== "OK");
  const lines = [
    `## basip-fleet discover: ${t.panels} panel${t.panels === 1 ? "" : "s"}, ${t.read} read, ${t.unreadable} could not be read`,
    "",
    `Inventory ${code(r.inventory)}: ${t.added} added, ${t.updated} updated, ${t.unchanged} unchanged, ${t.kept} kept as they were, ${t.skipped} skipped.` +
      (regs.length > 0 ? ` SIP registration: ${regs.length - notOk.length} OK, ${notOk.length} not registered.` : ""),
    "",
    "SIP passwords cannot be read back (the panels answer `WebPass`), so none is in the inventory. The first `up` writes",
    "each added device's accounts with the values read and the password from stack config or the environment: only",
    "the password changes. To keep a panel's current password, set that same value; to rotate, set a new one.",
    "",
  ];
  if (r.devices.length > 0) {
    lines.push("| Device | Site | Endpoint | Model | Firmware | Registration | Accounts | Inventory | First `up` writes |", "|---|---|---|---|---|---|---|---|---|");
    for (const d of r.devices) {
      const accounts = d.accounts.length === 0 ? "none" : d.accounts.join(", ") + (d.secondAccountPath ? ` (second at ${code(d.secondAccountPath)})` : "");
      const inventory = d.why ? `${d.outcome}: ${d.why}` : d.outcome;
      lines.push(`| ${code(d.name)} | ${cell(d.site)} | ${cell(d.endpoint)} | ${cell(d.model)} | ${cell(d.firmware)} | ${cell(d.registration)} | ${cell(accounts)} | ${cell(inventory)} | ${cell(d.firstUp)} |`);
    }
    lines.push("");
  }
  if (r.unreadable.length > 0) {
    lines.push(`**Could not be read** (${r.unreadable.length}): not in the inventory; the others went on`, "");
    for (const f of r.unreadable) lines.push(`- ${f.endpoint} (site ${code(f.site)}): ${f.reason}`);
    lines.push("");
  }
  const noted = r.devices.filter((d) => d.notes.length > 0);
  if (noted.length > 0) {
    lines.push("**Notes**", "");
    for (const d of noted) for (const n of d.notes) lines.push(`- ${code(d.name)}: ${n}`);
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The closing summary on stdout. */
export function discoverSummary(r: DiscoverReport): string {
  const t = r.totals;
  const lines = [""];
  for (const f of r.unreadable) lines.push(`  ${f.endpoint}: ${f.reason}`);
  for (const d of r.devices.filter((x) => x.outcome === "skipped")) lines.push(`  ${d.endpoint} (${d.name}): skipped: ${d.why ?? ""}`);
  lines.push(
    `${t.read} of ${t.panels} panel(s) read; ${r.inventory}: ${t.added} added, ${t.updated} updated, ${t.unchanged} unchanged, ${t.kept} kept, ${t.skipped} skipped; ${t.unreadable} could not be read.`,
  );
  if (t.added + t.updated + t.unchanged > 0) lines.push("The first up writes only the SIP passwords of these devices (every other value is the one read): set them first (see the report).");
  return `${lines.join("\n")}\n`;
}
