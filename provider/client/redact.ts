/**
 * Redaction of secrets in text. `redactUrl` runs over every `DeviceError` message and path and over
 * `InternalError` messages, so the login hash in a URL never leaves the client. The provider never
 * puts a request body into an error or a log line; device text is scrubbed of known secret values
 * by `scrub.ts`.
 */
export const REDACTED = "[REDACTED]";

/** A URL, path or text containing URLs, with secret query values replaced. */
export function redactUrl(text: string): string {
  // A value ends where a query value ends in prose too: at &, #, white space, a quote or a bracket.
  return text.replace(/([?&](?:password|token)=)[^&#\s"'()<>]*/gi, `$1${REDACTED}`);
}
