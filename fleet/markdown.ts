/**
 * The review report as Markdown, for a pull-request comment: totals per site, then per site only
 * what changes (or failed), each changed field as `old → new`, secrets as "changed". Pure.
 */
import { FieldChange, FleetReport, ResourceEntry, SiteReport } from "./report";

/** GitHub refuses comments over 65536 characters; the JSON report always has everything. */
export const MAX_MARKDOWN = 60_000;

/** Inline code, with any back-tick made a quote. */
export const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const value = (v: unknown) => (v === undefined ? "(unset)" : code(JSON.stringify(v)));
/** Text safe in a table cell. */
export const escapeCell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** `field: old → new`; an adoption lists only what it sets (the device's values are not in state). */
function change(c: FieldChange, adopt: boolean): string {
  if (c.secret) return `${code(c.field)}: ${adopt ? "set (secret)" : "changed"}`;
  if (adopt) return `${code(c.field)}: ${value(c.new)}`;
  return `${code(c.field)}: ${value(c.old)} → ${value(c.new)}`;
}

const VERB: Record<string, [planned: string, done: string]> = {
  adopt: ["to adopt (create: the device's account is taken over)", "adopted"],
  update: ["to update", "updated"],
  replace: ["to replace (another device)", "replaced"],
  remove: ["to remove from the stack (the device keeps its settings)", "removed from the stack (the device keeps its settings)"],
  drift: ["drift", "drift found by refresh (the device differed from the state; `up` restores it)"],
  other: ["", ""],
};

function entryLines(e: ResourceEntry): string[] {
  const [planned, done] = VERB[e.action] ?? ["", ""];
  const what = e.status === "failed" ? `**failed** (${e.op})` : (e.status === "planned" ? planned : done) || e.op;
  const head = `- ${code(e.device)} ${e.resource}: ${what}`;
  if (e.status === "failed") return [`${head}: ${e.error ?? ""}`];
  if (e.changes.length === 0) return [`${head} (no field shown: a secret input changed, e.g. a password rotation)`];
  return [head, ...e.changes.map((c) => `  - ${change(c, e.action === "adopt")}`)];
}

const STATUS: Record<SiteReport["status"], string> = { succeeded: "succeeded", failed: "**failed**", locked: "**locked**", error: "**error**" };

function siteSection(s: SiteReport): string[] {
  const lines = [`### Site ${code(s.site)}: ${STATUS[s.status]}`, ""];
  if (s.error) lines.push(...s.error.split("\n").map((l) => `> ${l}`), "");
  if (s.unreachable.length > 0) {
    lines.push(`**Devices that failed** (${s.unreachable.length}): the other devices went on`, "");
    for (const u of s.unreachable) lines.push(`- ${code(u.device)} ${u.resource} (${u.phase}): ${u.reason}`);
    lines.push("");
  }
  const unregistered = s.registration.filter((r) => r.status !== "OK");
  if (unregistered.length > 0) {
    lines.push(`**Not registered** (${unregistered.length}): the device's SIP registration status after this run`, "");
    for (const r of unregistered) lines.push(`- ${code(r.device)} SipAccount: ${r.status}${r.lastAttempt === null ? ", never attempted" : `, last attempt ${r.lastAttempt}`}`);
    lines.push("");
  }
  const changed = s.entries.filter((e) => e.status !== "failed");
  if (changed.length > 0) {
    for (const e of changed) lines.push(...entryLines(e));
    lines.push("");
  } else if (s.status === "succeeded") lines.push("No changes.", "");
  return lines;
}

/** ` SIP registration: 3 OK, 1 not registered.`, for runs that read it. */
function registrationLine(r: FleetReport): string {
  const all = r.sites.flatMap((s) => s.registration);
  if (all.length === 0) return "";
  const ok = all.filter((x) => x.status === "OK").length;
  return ` SIP registration: ${ok} OK, ${all.length - ok} not registered.`;
}

/** The whole report; cut (with a note) before `max` characters. */
export function renderMarkdown(r: FleetReport, max = MAX_MARKDOWN): string {
  const t = r.totals;
  const verb = r.command === "preview" ? "would" : "did";
  const head = [
    `## basip-fleet ${r.command}: ${t.sites} site${t.sites === 1 ? "" : "s"}, ${t.sitesFailed === 0 ? "all succeeded" : `${t.sitesFailed} not succeeded`}`,
    "",
    `${verb === "would" ? "Planned" : "Done"}: ${t.adopt} adopt, ${t.update} update, ${t.replace} replace, ${t.remove} remove; ${t.drift} drift found; ${t.unchanged} unchanged; ${t.failed} failed.${registrationLine(r)}`,
    "",
    "| Site | Result | Adopt | Update | Replace | Remove | Drift | Unchanged | Failed |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ...r.sites.map((s) => {
      const x = s.totals;
      return `| ${escapeCell(s.site)} | ${STATUS[s.status]} | ${x.adopt} | ${x.update} | ${x.replace} | ${x.remove} | ${x.drift} | ${x.unchanged} | ${x.failed} |`;
    }),
    "",
  ];
  const out = [...head];
  let size = out.join("\n").length;
  for (const [i, s] of r.sites.entries()) {
    const section = siteSection(s).join("\n");
    if (size + section.length > max) {
      out.push(`_Cut here: ${r.sites.length - i} more site(s) in the JSON report._`, "");
      break;
    }
    out.push(section);
    size += section.length + 1;
  }
  return `${out.join("\n").trimEnd()}\n`;
}
