/**
 * Reads the device's SIP registration status. A device without the endpoint (older firmware answers
 * 404) reports `UNKNOWN`: the status is evidence, never a reason to fail a read.
 */
import { registrationOfWire } from "../schema/mapping";
import { Registration, SIP_STATUS_PATH, SipStatusWire, UNKNOWN_REGISTRATION } from "../schema/registration-codecs";
import { DeviceClient } from "./client";
import { isDeviceError } from "./errors";

/** `GET /api/v1/sip/status` as the `registration` output. */
export async function readRegistration(client: DeviceClient): Promise<Registration> {
  try {
    return registrationOfWire(await client.get("read SIP registration status", SIP_STATUS_PATH, SipStatusWire));
  } catch (e) {
    if (isDeviceError(e) && e.kind === "http" && e.status === 404) return UNKNOWN_REGISTRATION;
    throw e;
  }
}
