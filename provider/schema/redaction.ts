/**
 * What counts as a secret by its name, and what stands in for a secret value. One definition for
 * every place that hides one: validation messages, error text, change reports, the fleet inventory
 * and the state backend's URLs.
 */

/** What every message, log line and report shows instead of a secret value. */
export const REDACTED = "[REDACTED]";

// `pass` covers password, passwd, passphrase and devicePassword.
const SECRET_NAME = /pass|secret|token/i;

/**
 * Whether a key or field path (its last segment: `sip.password`, `device.token`) is named like a
 * secret, so its value is never shown.
 */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.split(".").pop() ?? name);
}
