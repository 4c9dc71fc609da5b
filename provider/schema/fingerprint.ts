/**
 * A pinned TLS certificate: its SHA-256 fingerprint as `openssl x509 -noout -fingerprint -sha256`
 * prints it (`AB:CD:...`, 32 bytes). Accepted in either case, with or without colons, with or
 * without openssl's `sha256 Fingerprint=` prefix, so a pasted line works as it is.
 */
import * as t from "io-ts";
import { rule } from "./rules";

/** The 64 upper-case hex digits of a fingerprint, or undefined when `s` is not one. */
export function fingerprintHex(s: string): string | undefined {
  const hex = s.trim().replace(/^sha-?256\s+fingerprint\s*=\s*/i, "").replace(/:/g, "").toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex : undefined;
}

/** `AB:CD:...`, the way openssl and Node's `fingerprint256` print it. */
export function formatFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(":");
}

export const TlsFingerprint = rule(
  "TlsFingerprint",
  t.string,
  (s) => fingerprintHex(s) !== undefined,
  "must be a SHA-256 fingerprint, 64 hex digits with or without colons, as `openssl x509 -noout -fingerprint -sha256` prints it",
);
