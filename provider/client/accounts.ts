/**
 * Reads and writes of a SIP account in Pulumi's naming, as TaskEithers: failures stay values until
 * the lifecycle decides how to report them. A device's fault stays a `DeviceError`; anything else
 * thrown underneath is a bug of ours and becomes an `InternalError`, never a device fault.
 * `secrets` are the operation's SIP passwords, scrubbed from any message built from device text.
 * An account's fields may live on more than one endpoint (the account object, the SIP enable
 * switch); each endpoint is read and written on its own.
 */
import * as TE from "fp-ts/TaskEither";
import { AccountEndpoint, AccountSchema } from "../schema/accounts";
import { fromWire, toWire } from "../schema/mapping";
import { tableFields } from "../schema/project";
import { DeviceClient } from "./client";
import { DeviceError, InternalError, isDeviceError } from "./errors";

/** What a read or write of an account can fail with. */
export type AccountFailure = DeviceError | InternalError;

export const classify = (e: unknown): AccountFailure => (isDeviceError(e) ? e : new InternalError(e));

type Props = Record<string, unknown>;

/** GET one endpoint of the account; an account object's `password` is the device's placeholder, never the real one. */
export function readEndpoint(client: DeviceClient, endpoint: AccountEndpoint, path: string, secrets: readonly string[] = []): TE.TaskEither<AccountFailure, Props> {
  return TE.tryCatch(async () => fromWire((await client.get(`read ${endpoint.title}`, path, endpoint.wire, secrets)) as Props), classify);
}

/**
 * POST one endpoint (the device replaces the object; a partial body could reset fields, so callers
 * send every field of the endpoint). The body holds the table's fields that live there only, each
 * cut to its declared keys.
 */
export function writeEndpoint(
  client: DeviceClient,
  schema: AccountSchema,
  endpoint: AccountEndpoint,
  path: string,
  settings: Props,
  secrets: readonly string[] = [],
): TE.TaskEither<AccountFailure, void> {
  const here = Object.fromEntries(Object.entries(tableFields(schema, settings)).filter(([k]) => endpoint.fields.includes(k)));
  return TE.tryCatch(() => client.post(`write ${endpoint.title}`, path, toWire(here), secrets), classify);
}

/** GET the account object; the answer's `password` is the device's placeholder, never the real one. */
export function readAccount(client: DeviceClient, schema: AccountSchema, path: string, secrets: readonly string[] = []): TE.TaskEither<AccountFailure, Props> {
  return readEndpoint(client, schema.endpoints[0], path, secrets);
}

/** POST the whole account object. */
export function writeAccount(client: DeviceClient, schema: AccountSchema, path: string, settings: Props, secrets: readonly string[] = []): TE.TaskEither<AccountFailure, void> {
  return writeEndpoint(client, schema, schema.endpoints[0], path, settings, secrets);
}
