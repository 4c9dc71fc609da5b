/**
 * The one place where Pulumi's camelCase args and the device's snake_case JSON are translated,
 * driven by `WIRE_NAMES`, and where the registration status answer becomes the `registration` output.
 * Nested objects (`stun`) use the same key names on both sides.
 */
import { WIRE_NAMES } from "./accounts";
import type { Registration, SipStatusWire } from "./registration-codecs";

type ArgName = keyof typeof WIRE_NAMES;
const ARG_OF_WIRE: Record<string, ArgName> = Object.fromEntries(
  Object.entries(WIRE_NAMES).map(([arg, wire]) => [wire, arg as ArgName]),
);

/** Settings (camelCase) -> device body (snake_case). Keys outside the table are dropped. */
export function toWire(settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [arg, value] of Object.entries(settings)) {
    const wire = (WIRE_NAMES as Record<string, string>)[arg];
    if (wire !== undefined && value !== undefined) out[wire] = value;
  }
  return out;
}

/** Device body (snake_case) -> settings (camelCase). Keys outside the table are dropped. */
export function fromWire(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [wire, value] of Object.entries(body)) {
    const arg = ARG_OF_WIRE[wire];
    if (arg !== undefined) out[arg] = value;
  }
  return out;
}

/** The device key of an arg, for messages that quote the device's own parameter names. */
export function argOfWire(wire: string): string {
  const [head, ...rest] = wire.split(".");
  const arg = ARG_OF_WIRE[head];
  return [arg ?? head, ...rest].join(".");
}

/** The status answer (snake_case, Unix seconds) -> the `registration` output (camelCase, ISO 8601). */
export function registrationOfWire(wire: SipStatusWire): Registration {
  const at = wire.register_last_attempt;
  return { status: wire.sip_status, lastAttempt: at === null ? null : new Date(at * 1000).toISOString() };
}
