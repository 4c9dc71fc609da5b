/** Masking of secrets in what the emulator records or prints: every `password`, and query `token`. */
import { MASK } from "./types";
import { isPlainObject } from "./validation";

/** A copy of a parsed JSON body with every `password` property, at any depth, masked. */
export function maskDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskDeep);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) out[k] = k === "password" ? MASK : maskDeep(val);
  return out;
}

/** Query parameters with `password` and `token` masked. */
export function maskQuery(q: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) out[k] = k === "password" || k === "token" ? MASK : v;
  return out;
}

/** `?a=1&password=[REDACTED]` for a log line, or "" without parameters. */
export function queryText(q: Record<string, string>): string {
  // URLSearchParams percent-encodes the mask's brackets; show the mask as written.
  const s = new URLSearchParams(maskQuery(q)).toString().split(encodeURIComponent(MASK)).join(MASK);
  return s ? `?${s}` : "";
}
