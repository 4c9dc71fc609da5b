/**
 * The one redaction used by every error and log line: secrets in URLs (the login hash) and in JSON
 * bodies (SIP and admin passwords) are replaced before text leaves the client.
 */
export const REDACTED = "[REDACTED]";

const SECRET_KEYS = /^(password|devicePassword|token|authorization)$/i;

/** A URL, path or text containing URLs, with secret query values replaced. */
export function redactUrl(text: string): string {
  // A value ends where a query value ends in prose too: at &, #, white space, a quote or a bracket.
  return text.replace(/([?&](?:password|token)=)[^&#\s"'()<>]*/gi, `$1${REDACTED}`);
}

/** A copy of a JSON value with every secret-named key replaced, at any depth. */
export function redactBody(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactBody);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? REDACTED : redactBody(v)]));
  }
  return value;
}
