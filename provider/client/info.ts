/**
 * Identification of a device by `GET /api/info` (no login): at most one request per device client per
 * run, shared by both accounts, and never a failure of its own. A device that does not answer it is
 * still managed; its `deviceInfo` stays empty.
 */
import { DeviceInfo, readDeviceInfo } from "../schema/info";
import { DeviceClient } from "./client";

export const INFO_PATH = "/api/info";

const cache = new WeakMap<DeviceClient, Promise<DeviceInfo | undefined>>();

/** The device's own description, asked once per client; undefined when it gave none. */
export function deviceInfoOf(client: DeviceClient): Promise<DeviceInfo | undefined> {
  let info = cache.get(client);
  if (info === undefined) {
    info = client.probe("identify device", INFO_PATH).then(readDeviceInfo, () => undefined);
    cache.set(client, info);
  }
  return info;
}
