/**
 * The one settings lifecycle both accounts share: check, diff, create (adopt), read, update and
 * delete (forget), driven by an `AccountSchema`. `diff` and `check` are pure; the rest talk to the
 * device through the client and throw `ResourceError`s at this boundary, Pulumi's.
 *
 * State shape = input shape: `{device, devicePassword?, <options>, <managed account fields>}`, plus
 * the computed outputs (`registration`). Only the fields the user sets are managed; a write sends
 * each endpoint the managed fields live on whole, taking its unmanaged fields from the device.
 * The device steps (create, update, read) are in `effects.ts`, loaded on the first of them, so a
 * preview never loads the HTTP client; registration reporting and waiting are in `registration-wait.ts`.
 */
import { isDeepStrictEqual } from "util";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import type { ClientOptions } from "../client/client";
import type { AccountSchema } from "../schema/accounts";
import { DEVICE_DEFAULTS, DeviceConnection, normalizeEndpoint } from "../schema/device";
import { markerKeys, withMarkers } from "../schema/markers";
import { FieldFailure } from "../schema/report";
import { Registration, waitOf } from "../schema/registration-codecs";
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

/** Deepest nesting `check` looks into; real inputs are three levels deep. */
const MAX_INPUT_DEPTH = 16;

/** Whether `value` nests objects or arrays deeper than `max` (iterative: a hostile depth cannot overflow the stack). */
function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== "object" || v === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * `check`: validated inputs with defaults and change markers derived from the old inputs `olds`
 * (see `markers.ts`), or one failure per bad field.
 */
export function check(schema: AccountSchema, news: Props, olds: Props = {}): { inputs: Props; failures: FieldFailure[] } {
  if (typeof news !== "object" || news === null || Array.isArray(news)) return { inputs: {}, failures: [{ property: "", reason: "inputs must be an object" }] };
  if (deeperThan(news, MAX_INPUT_DEPTH)) return { inputs: {}, failures: [{ property: "", reason: `inputs nest deeper than ${MAX_INPUT_DEPTH} levels` }] };
  return pipe(
    validateAccountInputs(schema, news, markerKeys(schema)),
    E.match(
      (failures) => ({ inputs: news, failures }),
      (inputs) => ({ inputs: withMarkers(schema, olds, inputs), failures: [] }),
    ),
  );
}

/**
 * The failures as the host hands them to the engine. The engine prints `property P value V has a
 * problem`, taking V from the inputs by the top-level name P, and it prints secrets in plain text
 * there. So a failure of a secret field, or of an unknown name (a misspelt `pasword` may hold a
 * password), goes without a property: the engine prints `has a problem: P: reason` and no value.
 * Nested paths (`stun.port`) never match an input name, so they keep their property.
 */
export function engineFailures(schema: AccountSchema, failures: readonly FieldFailure[]): FieldFailure[] {
  const printable = new Set(["device", ...Object.keys(schema.fields).filter((k) => !schema.secrets.includes(k))]);
  return failures.map((f) => (f.property.includes(".") || printable.has(f.property) ? f : { property: "", reason: `${f.property}: ${f.reason}` }));
}

export const endpointOf = (p: Props) => {
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

/**
 * Whether the resource waits for registration and the last recorded one is not `OK` (a failed or
 * unconfirmed registration, or none recorded yet): the next `up` then applies and waits again.
 */
export function registrationPending(schema: AccountSchema, olds: Props, news: Props): boolean {
  return schema.registration && waitOf(news) > 0 && (olds.registration as Registration | undefined)?.status !== "OK";
}

/** `diff`: explicit in every case; a new endpoint is another device, so it replaces. */
export function diff(schema: AccountSchema, olds: Props, news: Props): DiffResult {
  const fields = changedFields(schema, olds, news);
  const oldEndpoint = endpointOf(olds);
  const newEndpoint = news.device === UNKNOWN ? UNKNOWN : endpointOf(news);
  const replaces = oldEndpoint !== undefined && newEndpoint !== oldEndpoint ? ["device"] : [];
  const connectionChanged = !isDeepStrictEqual(olds.device, news.device) || olds.devicePassword !== news.devicePassword;
  const optionChanged = Object.keys(schema.options).some((k) => !isDeepStrictEqual(olds[k], news[k]));
  const unmanagedNow = Object.keys(accountFields(schema, olds)).some((k) => news[k] === undefined);
  return {
    changes: fields.length > 0 || replaces.length > 0 || connectionChanged || optionChanged || unmanagedNow || registrationPending(schema, olds, news),
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
    return E.left("the resource has no device endpoint in its state; dynamic resources cannot be imported (see docs/reference/lifecycle.md, Import)");
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
    tlsFingerprint: device.tlsFingerprint,
  });
}

// ---- effects, loaded on first use ---------------------------------------------------------------------

type Effects = typeof import("./effects");
const effects = (): Promise<Effects> => import("./effects");

/** `create` adopts the account (see `effects.ts`). */
export async function create(schema: AccountSchema, inputs: Props, fallback: FallbackCredentials): Promise<{ id: string; outs: Props }> {
  return (await effects()).create(schema, inputs, fallback);
}

/** `update` writes what changed (see `effects.ts`). */
export async function update(schema: AccountSchema, olds: Props, news: Props, fallback: FallbackCredentials): Promise<{ outs: Props }> {
  return (await effects()).update(schema, olds, news, fallback);
}

/** `read` (refresh) reads the device (see `effects.ts`). */
export async function read(schema: AccountSchema, id: string, props: Props, fallback: FallbackCredentials): Promise<{ id: string; props: Props; inputs: Props }> {
  return (await effects()).read(schema, id, props, fallback);
}
