/**
 * The whole account object read or written as one value, for tests that look at one account's
 * request without the lifecycle around it. Errors come back as values (`Left`), classified as the
 * lifecycle's step classifies them: a device fault as a `DeviceError`, anything else an `InternalError`.
 */
import * as TE from "fp-ts/TaskEither";
import { AccountFailure, classify, readEndpoint, writeEndpoint } from "../../provider/client/accounts";
import { DeviceClient } from "../../provider/client/client";
import { AccountSchema } from "../../provider/schema/accounts";

type Props = Record<string, unknown>;

/** GET the account object; the answer's `password` is the device's placeholder, never the real one. */
export function readAccount(client: DeviceClient, schema: AccountSchema, path: string, secrets: readonly string[] = []): TE.TaskEither<AccountFailure, Props> {
  return TE.tryCatch(() => readEndpoint(client, schema.endpoints[0], path, secrets), classify);
}

/** POST the whole account object. */
export function writeAccount(client: DeviceClient, schema: AccountSchema, path: string, settings: Props, secrets: readonly string[] = []): TE.TaskEither<AccountFailure, void> {
  return TE.tryCatch(() => writeEndpoint(client, schema, schema.endpoints[0], path, settings, secrets), classify);
}
