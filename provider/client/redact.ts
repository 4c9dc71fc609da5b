/**
 * Redaction of secrets in text. `redactQuerySecrets` runs over every `DeviceError` message and path and over
 * `InternalError` messages, so the login hash in a URL never leaves the client. The provider never
 * puts a request body into an error or a log line; device text is scrubbed of known secret values
 * by `scrub.ts`.
 */
import { isSecretName, REDACTED } from "../schema/redaction";

/** `text` (a URL, a path, or prose holding them) with the value of every query parameter named like a secret replaced. */
export function redactQuerySecrets(text: string): string {
  // A value ends where a query value ends in prose too: at &, #, white space, a quote or a bracket.
  return text.replace(/([?&]([^=&#\s]+)=)[^&#\s"'()<>]*/g, (whole, head: string, name: string) => (isSecretName(name) ? `${head}${REDACTED}` : whole));
}
