/**
 * What the provider accepts from a device's answer. Lenient about meaning (a device's own values
 * are data, not input to refuse) but strict about form, so refresh never copies junk into state: a
 * 5 MB string, a control character or `h264: 1e9` is a protocol error naming the field.
 */
import * as t from "io-ts";
import { hasControl, rule } from "./rules";

/** Longest string a device may answer for a field (user, realm, proxy, ...). */
export const MAX_DEVICE_STRING = 255;

/** A device string: bounded, without control characters. */
export const DeviceText = rule(
  "DeviceText",
  t.string,
  (s) => s.length <= MAX_DEVICE_STRING && !hasControl(s),
  `must be a string of at most ${MAX_DEVICE_STRING} characters without control characters`,
);

/** A device number: every numeric field the devices have (ports, intervals, payload types) is an integer in 0..65535. */
export const DeviceInteger = rule("DeviceInteger", t.number, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, "must be an integer from 0 to 65535");

/** A device number that may have a fraction: the main account's `registration_interval` (the main account's API page ("Set device SIP settings") types it "number"). */
export const DeviceNumber = rule("DeviceNumber", t.number, (n) => Number.isFinite(n) && n >= 0 && n <= 65535, "must be a number from 0 to 65535");

/** The STUN server as a device nests it; unknown keys are dropped on decode. */
export const DeviceStun = t.exact(t.type({ ip: DeviceText, port: DeviceInteger }), "DeviceStun");
