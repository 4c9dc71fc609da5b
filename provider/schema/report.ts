/**
 * Turns io-ts errors into one message per field: `path: rule, got value`. The value is left out for
 * any path that names a password, so a secret never reaches a preview, a log or an error.
 */
import * as t from "io-ts";
import { isSecretName, REDACTED } from "./redaction";

/** A field-level problem, the shape Pulumi's `check` returns. */
export interface FieldFailure {
  readonly property: string;
  readonly reason: string;
}

function pathOf(context: t.Context, prefix: string): string {
  const keys = context
    .slice(1)
    // Intersections and unions add numeric entries for their members, which are not data keys.
    .filter((entry, i, all) => !(/^\d+$/.test(entry.key) && isCombinator(all[i - 1]?.type ?? context[0].type)))
    .map((entry) => entry.key)
    .filter((k) => k !== "");
  return [prefix, ...keys].filter((k) => k !== "").join(".");
}

function isCombinator(type: t.Decoder<unknown, unknown>): boolean {
  return type instanceof t.IntersectionType || type instanceof t.UnionType;
}

/** A rule in words for codecs that carry no message of their own (objects, booleans). */
function describeType(type: t.Decoder<unknown, unknown> | undefined): string {
  if (type instanceof t.InterfaceType || type instanceof t.PartialType) return `must be an object with ${Object.keys(type.props).join(", ")}`;
  if (type instanceof t.IntersectionType) return `must be an object with ${(type.types as t.Mixed[]).flatMap((m) => ("props" in m ? Object.keys(m.props as object) : [])).join(", ")}`;
  if (type instanceof t.BooleanType) return "must be true or false";
  if (type instanceof t.StringType) return "must be a string";
  if (type instanceof t.NumberType) return "must be a number";
  return `must be ${type?.name ?? "a valid value"}`;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  // A URL's user info may hold a password (`http://admin:pw@host`): never echo it.
  const text = JSON.stringify(value).replace(/\/\/[^/@"]*@/g, `//${REDACTED}@`);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One failure per distinct path; the first rule reported for a path wins. */
export function report(errors: t.Errors, prefix = ""): FieldFailure[] {
  const seen = new Map<string, FieldFailure>();
  for (const e of errors) {
    const property = pathOf(e.context, prefix);
    if (seen.has(property)) continue;
    const rule = e.value === undefined ? "is required" : (e.message ?? describeType(e.context[e.context.length - 1]?.type));
    const reason = e.value === undefined || isSecretName(property) ? rule : `${rule}, got ${show(e.value)}`;
    seen.set(property, { property, reason });
  }
  return [...seen.values()];
}

/** `field: reason` lines, as printed at the boundary. */
export function formatFailures(failures: readonly FieldFailure[]): string {
  return failures.map((f) => `${f.property}: ${f.reason}`).join("\n");
}
