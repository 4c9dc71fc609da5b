/**
 * The review report of a fleet run, built from the engine's structured events (Automation API
 * `onEvent`), never from its text output. Pure: events in, a report out; `markdown.ts` renders it.
 *
 * Changed fields are found by comparing the old and new inputs of each step (outputs for a refresh),
 * generically over whatever keys the resources carry, so a new input (a field, a change marker) shows
 * up without code here. A secret never shows: any key named like a password or secret, and any value
 * the engine marks as secret, is reported only as "changed". The provider's change counters
 * (`CHANGE_MARKERS`: `passwordVersion`, ...) are counts named after a secret: shown as `1 → 2`.
 * A refresh compares only the settings a resource takes as inputs: outputs it computes
 * (`registration`) are reported apart, per device, never as drift.
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { CHANGE_MARKERS, isObject, isSecretName } from "pulumi-basip";

export type Command = "preview" | "up" | "refresh";
/** Which engine run of a command an entry comes from (`up` runs a refresh, then an update). */
export type Phase = "preview" | "refresh" | "update";

/** One changed field: `old → new`, or only that it changed when it is secret. */
export interface FieldChange {
  readonly field: string;
  readonly old?: unknown;
  readonly new?: unknown;
  /** Values withheld: the field is secret or named like one. */
  readonly secret?: true;
}

/** What the report calls each engine operation. */
export type Action = "adopt" | "update" | "replace" | "remove" | "drift" | "unchanged" | "other";

/** One resource step that changes something, or failed. */
export interface ResourceEntry {
  /** Resource name: the device's name in the inventory. */
  readonly device: string;
  /** Resource type without its package prefix: `SipAccount`, `SecondSipAccount`. */
  readonly resource: string;
  readonly phase: Phase;
  readonly action: Action;
  /** The engine's own name of the operation (`create`, `update`, `refresh`, ...). */
  readonly op: string;
  /** `planned` in a preview; `done` or `failed` otherwise. */
  readonly status: "planned" | "done" | "failed";
  readonly changes: readonly FieldChange[];
  /** Why it failed, as the provider said it (device and operation named, no password). */
  readonly error?: string;
}

export interface Totals {
  adopt: number;
  update: number;
  replace: number;
  remove: number;
  drift: number;
  unchanged: number;
  failed: number;
}

export type SiteStatus = "succeeded" | "failed" | "locked" | "error";

/** A main account's SIP registration as the last refresh or write of this run read it. */
export interface RegistrationEntry {
  readonly device: string;
  /** `OK`, `OFFLINE`, `ERROR` or `UNKNOWN` (the device has no status endpoint). */
  readonly status: string;
  readonly lastAttempt: string | null;
}

export interface SiteReport {
  readonly site: string;
  readonly command: Command;
  /** `failed`: some devices failed (listed); `locked`: another run holds the stack; `error`: the run could not start or its program failed. */
  readonly status: SiteStatus;
  /** For `locked` and `error`: what stopped the site. */
  readonly error?: string;
  /** Resources that change, changed or failed; unchanged ones are only counted. */
  readonly entries: readonly ResourceEntry[];
  /** Resources with a failed step, and why (the first failed phase of each); `totals.failed` counts them. */
  readonly unreachable: readonly { device: string; resource: string; phase: Phase; reason: string }[];
  /** Each `SipAccount`'s registration after this run (refresh and up only; a preview reads no device). */
  readonly registration: readonly RegistrationEntry[];
  readonly totals: Totals;
}

export interface FleetReport {
  readonly command: Command;
  readonly sites: readonly SiteReport[];
  readonly totals: Totals & { sites: number; sitesFailed: number };
}

/** How a site's engine runs ended, as far as the report needs to know. */
export interface SiteOutcome {
  /** Another update holds the stack's lock. */
  readonly locked?: boolean;
  /** The message of a run that failed, when no resource step explains it. */
  readonly error?: string;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const isSecretValue = (v: unknown) => v === "[secret]" || (isObject(v) && SECRET_SIG in v);

/** Dotted paths to leaf values (`stun.port`); secret envelopes and lists are leaves. */
function flatten(value: unknown, prefix = "", out: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (isObject(value) && !isSecretValue(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (prefix === "" && k === "__provider") continue; // the serialized provider: code, not settings
      flatten(v, prefix === "" ? k : `${prefix}.${k}`, out);
    }
  } else if (prefix !== "") out.set(prefix, value);
  return out;
}

/** Every field whose value differs between `before` and `after`, in a stable order. */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: FieldChange[] = [];
  for (const field of keys) {
    const o = a.get(field);
    const n = b.get(field);
    if (JSON.stringify(o) === JSON.stringify(n)) continue;
    const named = !CHANGE_MARKERS.includes(field) && isSecretName(field);
    const secret = named || isSecretValue(o) || isSecretValue(n);
    changes.push(secret ? { field, secret: true } : { field, ...(o === undefined ? {} : { old: o }), ...(n === undefined ? {} : { new: n }) });
  }
  return changes;
}

const ACTIONS: Record<string, Action> = {
  create: "adopt",
  update: "update",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  delete: "remove",
  same: "unchanged",
  refresh: "drift",
};

/** `urn:pulumi:stack::project::pulumi-nodejs:dynamic/basip:SipAccount::lobby-1` -> name and short type. */
function identify(m: StepEventMetadata): { device: string; resource: string } | undefined {
  if (m.type.startsWith("pulumi:")) return undefined; // the stack itself and default providers
  const parts = m.urn.split("::");
  return { device: parts[parts.length - 1], resource: m.type.split(/[:/]/).pop() ?? m.type };
}

const firstLine = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "") ?? "";

interface Step {
  device: string;
  resource: string;
  op: string;
  status: "planned" | "done" | "failed";
  changes: FieldChange[];
  errors: string[];
}

type StepState = StepEventMetadata["new"];

/** The outputs a resource also takes as inputs: its settings, without what it computes. */
function settingsOf(state: StepState): Record<string, unknown> | undefined {
  if (!state?.outputs) return undefined;
  const inputs = state.inputs ?? state.outputs;
  return Object.fromEntries(Object.entries(state.outputs).filter(([k]) => k in inputs));
}

/** The steps of one engine run, keyed by URN, in the order they started. */
function stepsOf(phase: Phase, events: readonly EngineEvent[]): Step[] {
  const steps = new Map<string, Step>();
  const compare = (m: StepEventMetadata) => (phase === "refresh" ? fieldChanges(settingsOf(m.old), settingsOf(m.new)) : fieldChanges(m.old?.inputs, m.new?.inputs));
  const stepOf = (m: StepEventMetadata): Step | undefined => {
    const id = identify(m);
    if (!id) return undefined;
    let s = steps.get(m.urn);
    if (!s) {
      s = { ...id, op: m.op, status: "planned", changes: compare(m), errors: [] };
      steps.set(m.urn, s);
    }
    return s;
  };
  for (const e of events) {
    if (e.resourcePreEvent) {
      const m = e.resourcePreEvent.metadata;
      const s = stepOf(m);
      // A replacement shows as replace + create-replacement + delete-replaced: the first names it.
      if (s && s.op !== "replace") s.op = m.op;
    } else if (e.resOutputsEvent) {
      const m = e.resOutputsEvent.metadata;
      const s = stepOf(m);
      if (!s) continue;
      if (phase !== "preview") s.status = s.status === "failed" ? "failed" : "done";
      // A refresh learns what changed only when the read returns: its op becomes update or same.
      if (phase === "refresh") {
        s.op = m.op === "update" ? "refresh" : m.op;
        s.changes = compare(m);
      }
    } else if (e.resOpFailedEvent) {
      const s = stepOf(e.resOpFailedEvent.metadata);
      if (s) s.status = "failed";
    } else if (e.diagnosticEvent?.severity === "error" && e.diagnosticEvent.urn) {
      const s = steps.get(e.diagnosticEvent.urn);
      const line = firstLine(e.diagnosticEvent.message);
      if (s && line !== "" && !s.errors.includes(line)) s.errors.push(line);
      if (s) s.status = "failed";
    }
  }
  // Sorted by device, so a reviewer finds a panel where the inventory lists it alphabetically.
  return [...steps.values()].sort((a, b) => a.device.localeCompare(b.device) || a.resource.localeCompare(b.resource));
}

/** Error diagnostics that belong to no resource step (a program error, a missing secret), once each. */
function runErrors(events: readonly EngineEvent[]): string[] {
  const lines: string[] = [];
  for (const e of events) {
    const d = e.diagnosticEvent;
    if (d?.severity !== "error") continue;
    if (d.urn && !d.urn.includes("::pulumi:pulumi:Stack::")) continue;
    for (const l of d.message.split("\n").map((x) => x.trim())) {
      // The engine's closing line says only that the run failed; the lines before say why.
      // "One or more errors occurred" is the program's closing note on the errors already listed.
      if (l !== "" && !/^(update|preview|refresh|destroy) failed$|^One or more errors occurred/.test(l) && !lines.includes(l)) lines.push(l);
    }
  }
  return lines;
}

const isRegistration = (v: unknown): v is { status: string; lastAttempt?: string | null } => isObject(v) && typeof v.status === "string";

/** Each main account's registration as the latest read of the runs reported it (a refresh, then a write). */
function registrationsOf(runs: readonly (readonly EngineEvent[] | undefined)[]): RegistrationEntry[] {
  const latest = new Map<string, RegistrationEntry>();
  for (const e of runs.flatMap((r) => r ?? [])) {
    const m = e.resOutputsEvent?.metadata;
    const id = m && identify(m);
    const r = m?.new?.outputs?.registration;
    if (id?.resource === "SipAccount" && isRegistration(r)) latest.set(id.device, { device: id.device, status: r.status, lastAttempt: r.lastAttempt ?? null });
  }
  return [...latest.values()].sort((a, b) => a.device.localeCompare(b.device));
}

export const emptyTotals = (): Totals => ({ adopt: 0, update: 0, replace: 0, remove: 0, drift: 0, unchanged: 0, failed: 0 });

/**
 * The report of one site from the events of its engine runs (`refresh` then `update` for `up`) and
 * how the runs ended.
 */
export function buildSiteReport(site: string, command: Command, runs: Partial<Record<Phase, readonly EngineEvent[]>>, outcome: SiteOutcome = {}): SiteReport {
  const entries: ResourceEntry[] = [];
  const unreachable: { device: string; resource: string; phase: Phase; reason: string }[] = [];
  const totals = emptyTotals();
  const phases: Phase[] = ["preview", "refresh", "update"];
  for (const phase of phases) {
    for (const s of stepsOf(phase, runs[phase] ?? [])) {
      let action: Action = ACTIONS[s.op] ?? "other";
      if (action === "drift" && s.changes.length === 0) action = "unchanged";
      const failed = s.status === "failed";
      if (failed) {
        const reason = s.errors.join("; ") || `${s.op} failed`;
        if (!unreachable.some((u) => u.device === s.device && u.resource === s.resource)) unreachable.push({ device: s.device, resource: s.resource, phase, reason });
      } else if (action !== "other" && !(action === "unchanged" && phase === "refresh" && command === "up")) {
        // In `up`, the refresh only reads: its unchanged steps are counted by the update that follows.
        totals[action]++;
      }
      if (action === "unchanged" && !failed) continue;
      entries.push({ device: s.device, resource: s.resource, phase, action, op: s.op, status: s.status, changes: s.changes, ...(failed ? { error: s.errors.join("; ") || `${s.op} failed` } : {}) });
    }
  }
  totals.failed = unreachable.length;
  const errors = [...runErrors(runs.preview ?? []), ...runErrors(runs.refresh ?? []), ...runErrors(runs.update ?? [])];
  let status: SiteStatus = "succeeded";
  let error: string | undefined;
  if (outcome.locked) {
    status = "locked";
    error = `stack ${site} is locked by another update; the other sites went on. Retry when it ends; if no update is running, remove the stale lock with \`pulumi cancel --stack ${site}\``;
  } else if (totals.failed > 0) status = "failed";
  else if (outcome.error !== undefined || errors.length > 0) {
    status = "error";
    error = errors.length > 0 ? errors.join("\n") : outcome.error;
  }
  const registration = command === "preview" ? [] : registrationsOf([runs.refresh, runs.update]);
  return { site, command, status, ...(error !== undefined ? { error } : {}), entries, unreachable, registration, totals };
}

/** The sites' reports and their totals. */
export function buildFleetReport(command: Command, sites: readonly SiteReport[]): FleetReport {
  const totals = { ...emptyTotals(), sites: sites.length, sitesFailed: 0 };
  for (const s of sites) {
    for (const k of Object.keys(s.totals) as (keyof Totals)[]) totals[k] += s.totals[k];
    if (s.status !== "succeeded") totals.sitesFailed++;
  }
  return { command, sites, totals };
}
