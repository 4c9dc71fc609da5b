/**
 * The two error envelopes BAS-IP firmware answers with: Camdroid devices send an
 * object `{"error":{"code","message","data"}}`, Android panels a string `{"error":"..."}`.
 * An envelope turns validation failures into the 400 body; the status codes are the route's job.
 */
import { ruleText, type Failure } from "./validation";

export interface Envelope {
  /** Body of the 401 answer to a missing, unknown or expired token. */
  readonly unauthorized: unknown;
  /** 400 body for a POST whose body is empty, not JSON or not an object. */
  readonly notAnObject: unknown;
  /** 400 body for a body that failed validation (failures is never empty). */
  invalid(failures: Failure[]): unknown;
}

function notValid(data: Record<string, string>): unknown {
  return { error: { code: "not_valid", message: "Data validation error", data } };
}

/** Object envelope: lists every failing field, keyed by wire name (dot path inside objects). */
export const OBJECT_ENVELOPE: Envelope = {
  unauthorized: { error: { code: "invalid_authentication", message: "Log In" } },
  notAnObject: notValid({ body: "must be a JSON object" }),
  invalid: (failures) => notValid(Object.fromEntries(failures.map((f) => [f.path, ruleText(f)]))),
};

const STRING_TEXT = {
  missing: (name: string) => `Wrong JSON body: no value for \`${name}\``,
  type: (name: string) => `Wrong JSON body: value \`${name}\` was of the wrong type`,
  rule: (name: string) => `Wrong JSON body: value \`${name}\` is not valid`,
};

/** String envelope: reports only the first failing field, in schema order, as the device does. */
export const STRING_ENVELOPE: Envelope = {
  unauthorized: { error: "Log In" },
  notAnObject: { error: "Wrong JSON body" },
  invalid: ([first]) => ({ error: STRING_TEXT[first.problem](first.path) }),
};
