/**
 * Scrubbing of device text. A hostile or buggy device may echo what it was sent (the SIP password in
 * a 400 body, the Bearer token from the header, the login hash from the query), so every piece of
 * device text that goes into a message is passed through a scrubber that knows the secret values of
 * the operation, then cleaned of control characters and capped.
 */
import { REDACTED } from "../schema/redaction";
import { CONTROL_CHARS } from "../schema/rules";

/** Longest device text kept in a message; longer text is cut with an ellipsis. */
export const MAX_DEVICE_TEXT = 200;

/** Replaces every occurrence of the given secrets (and their JSON, URL and hex-case forms) by `[REDACTED]`. */
export type Scrub = (text: string) => string;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The forms a secret takes in what a device may echo: raw, JSON-escaped, URL-encoded (both styles). */
function formsOf(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];
}

/** A scrubber for these secrets; empty or missing ones are ignored. Hex secrets (hashes, tokens) match in either case. */
export function scrubber(secrets: Iterable<string | undefined>): Scrub {
  const forms = new Set<string>();
  for (const s of secrets) if (typeof s === "string" && s !== "") for (const f of formsOf(s)) forms.add(f);
  if (forms.size === 0) return (text) => text;
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  const isHex = (f: string) => /^[0-9a-f]+$/i.test(f);
  const pattern = (list: string[], flags: string) => (list.length === 0 ? undefined : new RegExp(list.map(escapeRe).join("|"), flags));
  const exact = pattern(sorted.filter((f) => !isHex(f)), "g");
  const anyCase = pattern(sorted.filter(isHex), "gi");
  return (text) => {
    const once = anyCase === undefined ? text : text.replace(anyCase, REDACTED);
    return exact === undefined ? once : once.replace(exact, REDACTED);
  };
}

/** Device text made safe to print: control characters (a forged CR/LF line) become spaces, length capped. */
export function deviceText(text: string, max = MAX_DEVICE_TEXT): string {
  const flat = text.replace(new RegExp(CONTROL_CHARS.source, "g"), " ");
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
