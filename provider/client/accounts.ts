/**
 * Reads and writes of a SIP account in Pulumi's naming, as TaskEithers: failures stay values until
 * the lifecycle decides how to report them.
 */
import * as TE from "fp-ts/TaskEither";
import { AccountSchema } from "../schema/accounts";
import { fromWire, toWire } from "../schema/mapping";
import { DeviceClient } from "./client";
import { DeviceError } from "./errors";

const asDeviceError = (e: unknown): DeviceError =>
  e instanceof DeviceError ? e : new DeviceError({ kind: "protocol", device: "unknown", operation: "call", detail: String(e) });

/** GET the account; the answer's `password` is the device's placeholder, never the real one. */
export function readAccount(client: DeviceClient, schema: AccountSchema, path: string): TE.TaskEither<DeviceError, Record<string, unknown>> {
  return TE.tryCatch(() => client.get(`read ${schema.title}`, path, schema.wire).then((w) => fromWire(w as Record<string, unknown>)), asDeviceError);
}

/** POST the whole account (the device replaces the object; a partial body could reset fields). */
export function writeAccount(client: DeviceClient, schema: AccountSchema, path: string, settings: Record<string, unknown>): TE.TaskEither<DeviceError, void> {
  return TE.tryCatch(() => client.post(`write ${schema.title}`, path, toWire(settings)), asDeviceError);
}
