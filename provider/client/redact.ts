/**
 * Redaction of secrets in text. `redactUrl` runs over every `DeviceError` message and path and over
 * `InternalError` messages, so the login hash in a URL never leaves the client. The provider never
 * puts a request body into an error or a log line; `redactBody` is for code that would (the
 * emulator masks its request log on its own, being independent of the provider).
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
