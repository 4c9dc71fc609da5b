/**
 * What `GET /api/info` says about a device (BAS-IP API, no login needed). Families name the same
 * facts differently (`device_model` on one, `model` on another), so the answer is read leniently:
 * known aliases at the top level or one level down, strings and numbers only, everything else ignored.
 */
import * as t from "io-ts";
import { isObject } from "./plain";
import { hasControl } from "./rules";

/** The `deviceInfo` output: whatever the device told about itself; every member may be missing. */
export const DeviceInfo = t.partial(
  {
    model: t.string,
    type: t.string,
    name: t.string,
    serialNumber: t.string,
    firmwareVersion: t.string,
    apiVersion: t.string,
  },
  "DeviceInfo",
);
export type DeviceInfo = t.TypeOf<typeof DeviceInfo>;

/** Device keys per member, first match wins. */
const ALIASES: { readonly [K in keyof Required<DeviceInfo>]: readonly string[] } = {
  model: ["device_model", "model", "deviceModel", "product_model", "product"],
  type: ["device_type", "type", "deviceType"],
  name: ["device_name", "name", "deviceName"],
  serialNumber: ["device_serial_number", "serial_number", "serialNumber", "serial", "sn"],
  firmwareVersion: ["firmware_version", "firmwareVersion", "firmware", "fw_version", "version"],
  apiVersion: ["api_version", "apiVersion"],
};

function text(u: unknown): string | undefined {
  if (typeof u === "number" && Number.isFinite(u)) return String(u);
  // A value with control characters is junk or an attack on a terminal: not a description.
  if (typeof u !== "string" || u.trim() === "" || hasControl(u)) return undefined;
  // A device's own text, kept short: it ends up in state and in error messages.
  return u.trim().slice(0, 100);
}

/** The facts found in an `/api/info` answer, or undefined when it holds none. */
export function readDeviceInfo(body: unknown): DeviceInfo | undefined {
  if (!isObject(body)) return undefined;
  const levels = [body, ...Object.values(body).filter(isObject)];
  const info: Record<string, string> = {};
  for (const [member, keys] of Object.entries(ALIASES)) {
    for (const level of levels) {
      const found = keys.map((k) => text(level[k])).find((v) => v !== undefined);
      if (found !== undefined) {
        info[member] = found;
        break;
      }
    }
  }
  return Object.keys(info).length > 0 ? info : undefined;
}

/** `AQ-07L, firmware 2.11.0` for messages; the type stands in for a missing model. */
export function describeDevice(info: DeviceInfo | undefined): string | undefined {
  if (info === undefined) return undefined;
  const parts = [info.model ?? info.type, info.firmwareVersion === undefined ? undefined : `firmware ${info.firmwareVersion}`].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(", ") : undefined;
}
