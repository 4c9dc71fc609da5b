/**
 * The device's SIP registration status (BAS-IP API "Get current SIP registration status", `GET /api/v1/sip/status`):
 * the only evidence that a write-only SIP password (and user, proxy, realm) is right. Its device
 * answer, the `registration` output a `SipAccount` reports, and the `waitForRegistration` option.
 *
 * The docs do not say which account the status describes; we take it as the main account's, so only
 * `SipAccount` reports it (see docs/guides/registration.md).
 */
import * as t from "io-ts";
import { integerIn } from "./rules";
import type { FieldFailure } from "./report";

/** Path of the registration status; older firmware has none (404), reported as `UNKNOWN`. */
export const SIP_STATUS_PATH = "/api/v1/sip/status";

/** Seconds `up` waits after a write for the account to register; 0 only reports the status. */
export const WaitForRegistration = integerIn("WaitForRegistration", 0, 600);

/** Largest Unix time a JavaScript `Date` can hold, in seconds. */
const MAX_UNIX_SECONDS = 8.64e12;
const UnixSeconds = new t.Type<number, number, unknown>(
  "UnixSeconds",
  (u): u is number => typeof u === "number" && Number.isInteger(u) && Math.abs(u) <= MAX_UNIX_SECONDS,
  (u, c) => (typeof u === "number" && Number.isInteger(u) && Math.abs(u) <= MAX_UNIX_SECONDS ? t.success(u) : t.failure(u, c, "must be an integer Unix time")),
  t.identity,
);

// Device JSON, GET /api/v1/sip/status: {"sip_status":"OK","register_last_attempt":1733040000}
/** What the device answers at {@link SIP_STATUS_PATH}. */
export const SipStatusWire = t.type(
  {
    sip_status: t.keyof({ OK: null, OFFLINE: null, ERROR: null }),
    register_last_attempt: t.union([UnixSeconds, t.null]),
  },
  "SipStatusWire",
);
export type SipStatusWire = t.TypeOf<typeof SipStatusWire>;

/** `OK` registered; `OFFLINE` SIP disabled; `ERROR` enabled but failing; `UNKNOWN` the device has no status endpoint. */
export const RegistrationStatus = t.keyof({ OK: null, OFFLINE: null, ERROR: null, UNKNOWN: null }, "RegistrationStatus");
export type RegistrationStatus = t.TypeOf<typeof RegistrationStatus>;

/** The `registration` output: the status and the device's last attempt (ISO 8601, device clock, or null if never). */
export const Registration = t.type({ status: RegistrationStatus, lastAttempt: t.union([t.string, t.null]) }, "Registration");
export type Registration = t.TypeOf<typeof Registration>;

/** What a device without the status endpoint reports. */
export const UNKNOWN_REGISTRATION: Registration = { status: "UNKNOWN", lastAttempt: null };

/** Seconds to wait from validated inputs (absent = 0; an unknown preview value counts as waiting). */
export function waitOf(inputs: Record<string, unknown>): number {
  const w = inputs.waitForRegistration;
  return typeof w === "number" ? w : w === undefined ? 0 : 1;
}

/** The rule across fields: a switched-off account never registers, so waiting for it is a mistake. */
export function registrationFailures(inputs: Record<string, unknown>): FieldFailure[] {
  const w = inputs.waitForRegistration;
  return inputs.enabled === false && typeof w === "number" && w > 0
    ? [{ property: "waitForRegistration", reason: "must be 0 when enabled is false (a disabled SIP account never registers)" }]
    : [];
}
