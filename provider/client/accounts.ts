/**
 * Reads and writes of a SIP account in Pulumi's naming. They throw, as the client does: the
 * lifecycle's one step (`Operation.step`) catches at the Pulumi boundary and `classify`s, so a
 * device's fault stays a `DeviceError` and anything else thrown underneath is a bug of ours, an
 * `InternalError`, never a device fault.
 * `secrets` are the operation's SIP passwords, scrubbed from any message built from device text.
 * An account's fields may live on more than one endpoint (the account object, the SIP enable
 * switch); each endpoint is read and written on its own.
 */
import { AccountEndpoint, AccountSchema } from "../schema/accounts";
import { fromWire, toWire } from "../schema/mapping";
import { tableFields } from "../schema/project";
import { DeviceClient } from "./client";
import { DeviceError, InternalError, isDeviceError } from "./errors";

/** What a read or write of an account can fail with. */
export type AccountFailure = DeviceError | InternalError;

/** What a throw under a device call means: a device's fault as it is, anything else a bug of ours. */
export const classify = (e: unknown): AccountFailure => (isDeviceError(e) || e instanceof InternalError ? e : new InternalError(e));

type Props = Record<string, unknown>;

/** GET one endpoint of the account; an account object's `password` is the device's placeholder, never the real one. */
export async function readEndpoint(client: DeviceClient, endpoint: AccountEndpoint, path: string, secrets: readonly string[] = []): Promise<Props> {
  return fromWire((await client.get(`read ${endpoint.title}`, path, endpoint.wire, secrets)) as Props);
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
): Promise<void> {
  const here = Object.fromEntries(Object.entries(tableFields(schema, settings)).filter(([k]) => endpoint.fields.includes(k)));
  return client.post(`write ${endpoint.title}`, path, toWire(here), secrets);
}
