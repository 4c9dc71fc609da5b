/**
 * The one settings lifecycle both accounts share: check, diff, create (adopt), read, update and
 * delete (forget), driven by an `AccountSchema`. `diff` and `check` are pure; the rest talk to the
 * device through the client and turn its errors into messages at this boundary.
 *
 * State shape = input shape: `{device, devicePassword?, <managed account fields>}`. Only the fields the
 * user sets are managed; a write sends the whole account, taking unmanaged fields from the device.
 */
import { isDeepStrictEqual } from "util";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { readAccount, writeAccount } from "../client/accounts";
import { ClientOptions, DeviceClient } from "../client/client";
import { DeviceError } from "../client/errors";
import { clientFor } from "../client/sessions";
import { AccountSchema } from "../schema/accounts";
import { DEVICE_DEFAULTS, DeviceConnection, normalizeEndpoint } from "../schema/device";
import { argOfWire } from "../schema/mapping";
import { FieldFailure } from "../schema/report";
import { accountFields, UNKNOWN, validateAccountInputs } from "../schema/validate";

type Props = Record<string, unknown>;

/** Credentials that apply when a resource names none (stack config, then environment). */
export interface FallbackCredentials {
  readonly username?: string;
  readonly password?: string;
}

export interface DiffResult {
  readonly changes: boolean;
  readonly replaces: string[];
  readonly stables: string[];
  readonly deleteBeforeReplace: boolean;
}

// ---- pure parts -------------------------------------------------------------------------------------

/** `check`: validated inputs with defaults, or one failure per bad field. */
export function check(schema: AccountSchema, news: Props): { inputs: Props; failures: FieldFailure[] } {
  return pipe(
    validateAccountInputs(schema, news),
    E.match(
      (failures) => ({ inputs: news, failures }),
      (inputs) => ({ inputs, failures: [] }),
    ),
  );
}

const endpointOf = (p: Props) => {
  const d = p.device as Partial<DeviceConnection> | undefined;
  return typeof d?.endpoint === "string" ? normalizeEndpoint(d.endpoint) : undefined;
};

/**
 * The account fields whose desired value differs from the last applied one. The password is compared
 * with the last applied password kept in state; the device's `WebPass` never takes part.
 */
export function changedFields(schema: AccountSchema, olds: Props, news: Props): string[] {
  const desired = accountFields(schema, news);
  return Object.keys(desired).filter((k) => JSON.stringify(desired[k]).includes(UNKNOWN) || !isDeepStrictEqual(desired[k], olds[k]));
}

/** `diff`: explicit in every case; a new endpoint is another device, so it replaces. */
export function diff(schema: AccountSchema, olds: Props, news: Props): DiffResult {
  const fields = changedFields(schema, olds, news);
  const oldEndpoint = endpointOf(olds);
  const newEndpoint = news.device === UNKNOWN ? UNKNOWN : endpointOf(news);
  const replaces = oldEndpoint !== undefined && newEndpoint !== oldEndpoint ? ["device"] : [];
  const connectionChanged = !isDeepStrictEqual(olds.device, news.device) || olds.devicePassword !== news.devicePassword;
  const unmanagedNow = Object.keys(accountFields(schema, olds)).some((k) => news[k] === undefined);
  return {
    changes: fields.length > 0 || replaces.length > 0 || connectionChanged || unmanagedNow,
    replaces,
    stables: [],
    deleteBeforeReplace: false,
  };
}

/** The resource id: device and account, never a secret. */
export function idOf(schema: AccountSchema, props: Props): string {
  return `${endpointOf(props)}#${schema.idSuffix}`;
}

/** Fields the device did not take, as `name (wanted X, device has Y)`; the password cannot be compared. */
export function unapplied(schema: AccountSchema, desired: Props, onDevice: Props): string[] {
  return Object.keys(accountFields(schema, desired))
    .filter((k) => k !== "password" && !isDeepStrictEqual(desired[k], onDevice[k]))
    .map((k) => `${k} (wanted ${JSON.stringify(desired[k])}, device has ${JSON.stringify(onDevice[k])})`);
}

/** Client options from a resource's inputs, falling back to stack config and environment. */
export function connectionOf(props: Props, fallback: FallbackCredentials): E.Either<string, ClientOptions> {
  const device = props.device as DeviceConnection | undefined;
  if (device === undefined || typeof device.endpoint !== "string") {
    return E.left("the resource has no device endpoint in its state; dynamic resources cannot be imported (see README, Import)");
  }
  const password = (props.devicePassword as string | undefined) ?? fallback.password;
  if (password === undefined) {
    return E.left(`no admin password for device ${normalizeEndpoint(device.endpoint)}: set device.password, stack config basip:password, or BASIP_PASSWORD`);
  }
  return E.right({
    endpoint: normalizeEndpoint(device.endpoint),
    username: device.username ?? fallback.username ?? DEVICE_DEFAULTS.username,
    password,
    timeoutMs: device.timeoutMs ?? DEVICE_DEFAULTS.timeoutMs,
    retries: device.retries ?? DEVICE_DEFAULTS.retries,
    insecureSkipVerify: device.insecureSkipVerify,
    caCertificate: device.caCertificate,
  });
}

/** Where one account of one device is reached: the shared client and the account's path. */
interface Target {
  readonly client: DeviceClient;
  readonly path: string;
}

function targetOf(schema: AccountSchema, props: Props, fallback: FallbackCredentials): E.Either<string, Target> {
  return pipe(
    connectionOf(props, fallback),
    E.map((options) => ({
      client: clientFor(options),
      path: (props.device as DeviceConnection)[schema.pathOption] ?? DEVICE_DEFAULTS[schema.pathOption],
    })),
  );
}

// ---- effects ----------------------------------------------------------------------------------------

/** Why a step failed, as one line a person can act on. The device's parameter is named as our arg. */
function describe(step: string, schema: AccountSchema, e: DeviceError | string): Error {
  if (typeof e === "string") return new Error(`${step} ${schema.title}: ${e}`);
  const arg = e.param ? ` [field ${argOfWire(e.param)}]` : "";
  return new Error(`${step} ${schema.title}: ${e.message}${arg}`);
}

const run = async <A>(step: string, schema: AccountSchema, task: TE.TaskEither<DeviceError | string, A>): Promise<A> =>
  pipe(
    await task(),
    E.getOrElseW((e) => {
      throw describe(step, schema, e);
    }),
  );

/**
 * Writes the desired fields over what the device holds and reads back to prove it took them.
 * `current` is the device's account when the caller already read it. Returns the new state, which
 * is the inputs as applied.
 */
function apply(schema: AccountSchema, { client, path }: Target, inputs: Props, current?: Props): TE.TaskEither<DeviceError | string, Props> {
  const desired = accountFields(schema, inputs);
  const everyFieldManaged = [...Object.keys(schema.required), ...Object.keys(schema.optional)].every((k) => desired[k] !== undefined);
  // Unmanaged fields come from the device so the whole-object write keeps them as they are.
  const base: TE.TaskEither<DeviceError, Props> =
    current !== undefined || everyFieldManaged ? TE.right(current ?? {}) : readAccount(client, schema, path);
  return pipe(
    base,
    TE.chainW((onDevice) => writeAccount(client, schema, path, { ...onDevice, ...desired })),
    TE.chainW(() =>
      pipe(
        readAccount(client, schema, path),
        TE.mapLeft((e) => `the write was sent but reading it back failed, so it is unverified; run \`pulumi refresh\`. ${e.message}`),
      ),
    ),
    TE.chainW((after) => {
      const missing = unapplied(schema, desired, after);
      return missing.length === 0
        ? TE.right({ ...inputs })
        : TE.left(`device ${client.endpoint} accepted the write but did not apply: ${missing.join("; ")}`);
    }),
  );
}

/** `create` adopts the account: read (proves reachability and credentials), write, read back. */
export async function create(schema: AccountSchema, inputs: Props, fallback: FallbackCredentials): Promise<{ id: string; outs: Props }> {
  const outs = await run(
    "create (adopt)",
    schema,
    pipe(
      TE.fromEither(targetOf(schema, inputs, fallback)),
      TE.chainW((target) =>
        pipe(
          readAccount(target.client, schema, target.path),
          TE.chainW((current) => apply(schema, target, inputs, current)),
        ),
      ),
    ),
  );
  return { id: idOf(schema, inputs), outs };
}

/** `update` writes only when an account field changed; connection-only changes touch state alone. */
export async function update(schema: AccountSchema, olds: Props, news: Props, fallback: FallbackCredentials): Promise<{ outs: Props }> {
  if (changedFields(schema, olds, news).length === 0) return { outs: { ...news } };
  const outs = await run(
    "update",
    schema,
    pipe(
      TE.fromEither(targetOf(schema, news, fallback)),
      TE.chainW((target) => apply(schema, target, news)),
    ),
  );
  return { outs };
}

/**
 * `read` (refresh): the device's values for the managed fields; the password stays the last applied
 * one from state, because the device only answers `WebPass`.
 */
export async function read(schema: AccountSchema, id: string, props: Props, fallback: FallbackCredentials): Promise<{ id: string; props: Props; inputs: Props }> {
  const onDevice = await run(
    "refresh",
    schema,
    pipe(
      TE.fromEither(targetOf(schema, props, fallback)),
      TE.chainW(({ client, path }) => readAccount(client, schema, path)),
    ),
  );
  const refreshed: Props = { ...props };
  for (const k of Object.keys(accountFields(schema, props))) {
    if (k !== "password" && onDevice[k] !== undefined) refreshed[k] = onDevice[k];
  }
  return { id, props: refreshed, inputs: refreshed };
}
