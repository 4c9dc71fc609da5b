/**
 * The rule language the emulated device validates a POST body with, and the checks it uses.
 *
 * Validation by intent of the BAS-IP API pages. The published regexes are not compiled: the
 * user/password one is not a valid JS regex and the host ones are loosely anchored. Failures are data;
 * each account's error envelope (`envelopes.ts`) decides how they are worded.
 */

const IPV4_OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
// The spec's host pattern allows '_' in names as well as letters, digits and '-'.
const DNS_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
/**
 * Allowed characters of user/password/user_id: letters, digits, space, tab and
 * ``~`!@#$%^&*()_-+={[}]|"<,>.?/`` plus `;`. The `&;` in the vendor text looks like an HTML
 * escaping artefact, but accepting `;` is the lenient choice: a client that sends it is not
 * rejected here and a stricter device would answer 400, which the client must handle anyway.
 */
const ALLOWED_TEXT = /^[A-Za-z0-9 \t~`!@#$%^&*()_\-+={[}\]|"<,>.?/;]*$/;

export const TRANSPORTS = ["udp", "tcp", "tls"];

function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

/** Dot-separated labels of letters/digits/hyphen/underscore; single labels (`localhost`) allowed. */
function isDnsName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const labels = s.split(".");
  if (!labels.every((l) => DNS_LABEL.test(l))) return false;
  // An all-numeric last label would make "300.1.1.1" a "DNS name"; such strings are bad IPv4.
  return !/^\d+$/.test(labels[labels.length - 1]);
}

/** IPv4 address or DNS name, no port. */
export function isHost(s: string): boolean {
  return isIpv4(s) || isDnsName(s);
}

/** Host with an optional `:port` (1..65535). */
export function isHostPort(s: string): boolean {
  const colon = s.lastIndexOf(":");
  if (colon < 0) return isHost(s);
  const port = s.slice(colon + 1);
  if (!/^\d{1,5}$/.test(port)) return false;
  const n = Number(port);
  return n >= 1 && n <= 65535 && isHost(s.slice(0, colon));
}

export function isAllowedText(s: string, min: number, max: number): boolean {
  return s.length >= min && s.length <= max && ALLOWED_TEXT.test(s);
}

/** Any characters, counted as code points (the main account's API page sets no character rule). */
export function isAnyText(s: string, min: number, max: number): boolean {
  const n = [...s].length;
  return n >= min && n <= max;
}

export function isNumberIn(v: number, min: number, max: number): boolean {
  return Number.isFinite(v) && v >= min && v <= max;
}

export function isIntIn(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Expected JSON type of a field. `integer` makes `1.5` a type error, `number` only a rule error. */
export type FieldType = "string" | "number" | "integer" | "boolean" | "object";

/** How the device checks one body field. */
export interface FieldRule {
  type: FieldType;
  required: boolean;
  /** Value check, run once the type matched. `never` lets each rule take its own value type. */
  check?: (v: never) => boolean;
  /** Rule text of the object envelope; for `integer` fields also its wrong-type text. */
  rule?: string;
  /** Rules of the members of an `object` field, checked only when the object itself passes. */
  fields?: Rules;
}

export type Rules = Record<string, FieldRule>;

/**
 * Rules that name every key of the state type S, so a field added to the state cannot be
 * forgotten in its rules (and the reverse); object members likewise.
 */
export type RulesFor<S> = {
  [K in keyof S]-?: S[K] extends Record<string, unknown> ? FieldRule & { type: "object"; fields: RulesFor<S[K]> } : FieldRule;
};

export type Problem = "missing" | "type" | "rule";

/** One failing field: wire name (dot path inside objects, e.g. `stun.ip`), its rule and what failed. */
export interface Failure {
  path: string;
  rule: FieldRule;
  problem: Problem;
}

function typeOk(type: FieldType, v: unknown): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "boolean":
      return typeof v === "boolean";
    case "object":
      return isPlainObject(v);
  }
}

function checkField(rule: FieldRule, v: unknown): Problem | undefined {
  // `null` is present, so it fails the type check rather than counting as missing.
  if (v === undefined) return rule.required ? "missing" : undefined;
  if (!typeOk(rule.type, v)) return "type";
  if (rule.check && !(rule.check as (x: unknown) => boolean)(v)) return "rule";
  return undefined;
}

/** Every failing field of body, in rule order. */
export function failures(rules: Rules, body: Record<string, unknown>, prefix = ""): Failure[] {
  const out: Failure[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    const v = body[name];
    const problem = checkField(rule, v);
    if (problem) out.push({ path: prefix + name, rule, problem });
    else if (rule.fields && isPlainObject(v)) out.push(...failures(rule.fields, v, `${prefix}${name}.`));
  }
  return out;
}

/** The object envelope's text for a failure, e.g. "is required", "must be an integer from 30 to 900". */
export function ruleText({ rule, problem }: Failure): string {
  if (problem === "missing") return "is required";
  if (problem === "rule") return rule.rule ?? "is not valid";
  switch (rule.type) {
    case "string":
      return "must be a string";
    case "number":
      return "must be a number";
    case "boolean":
      return "must be a boolean";
    case "object":
      return "must be an object";
    case "integer":
      return rule.rule ?? "must be an integer";
  }
}
