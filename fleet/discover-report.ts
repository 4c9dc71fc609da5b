/**
 * The report of a `discover` run, as JSON and Markdown: per panel its model, firmware, registration,
 * the accounts found and what became of it in the inventory, what the first `up` will write to it
 * (the SIP passwords only: every other value is the one read), and the panels that could not be read
 * and why. Pure.
 */
import type { AccountName } from "./inventory";
import { accountsOf, PanelFailure, PanelReading } from "./discover-factor";
import type { DeviceOutcome, Outcome } from "./discover-yaml";

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
  /** The accounts put under management (not at factory settings). */
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

/** What the first `up` will write, said plainly. */
function firstUp(outcome: Outcome, accounts: readonly AccountName[]): string {
  const which = accounts.map((a) => ACCOUNT_TITLE[a]).join(" and ");
  if (outcome === "skipped") return "nothing (not in the inventory)";
  if (outcome === "kept") return "the inventory's existing entry (kept; run discover --update to take the panel's values)";
  return `only the SIP password of the ${which} account${accounts.length > 1 ? "s" : ""}: every other value is the one read`;
}

export function buildDiscoverReport(inventory: string, readings: readonly PanelReading[], failures: readonly PanelFailure[], outcomes: readonly DeviceOutcome[]): DiscoverReport {
  const byEndpoint = new Map(readings.map((r) => [r.endpoint, r]));
  const devices = outcomes.map((o): DiscoveredDevice => {
    const r = byEndpoint.get(o.endpoint)!;
    const accounts = accountsOf(r);
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
      ...(r.secondAccountPath && accounts.includes("second") ? { secondAccountPath: r.secondAccountPath } : {}),
      firstUp: firstUp(o.outcome, accounts),
      notes: r.notes,
    };
  });
  const totals = { panels: readings.length + failures.length, read: readings.length, unreadable: failures.length, added: 0, kept: 0, updated: 0, unchanged: 0, skipped: 0 };
  for (const d of devices) totals[d.outcome]++;
  return { inventory, totals, devices, unreadable: failures };
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const cell = (s: string | undefined) => (s ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");

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
