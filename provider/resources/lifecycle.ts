/**
 * The one settings lifecycle both accounts share: check, diff, create (adopt), read, update and
 * delete (forget), driven by an `AccountSchema`. `diff` and `check` are pure; the rest talk to the
 * device through the client and throw `ResourceError`s at this boundary, Pulumi's.
 *
 * State shape = input shape: `{device, devicePassword?, <options>, <managed account fields>}`, plus
 * the computed outputs (`registration`). Only the fields the user sets are managed; a write sends
 * each endpoint the managed fields live on whole, taking its unmanaged fields from the device.
 * Registration reporting and waiting are in `registration-wait.ts`.
 */
import { isDeepStrictEqual } from "util";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import { AccountFailure, classify, readEndpoint, writeEndpoint } from "../client/accounts";
import { ClientOptions, DeviceClient } from "../client/client";
import { DeviceError, InternalError, isDeviceError } from "../client/errors";
import { PartialFailure, ResourceError } from "./resource-errors";
import { deviceInfoOf } from "../client/info";
import { readRegistration } from "../client/sip-status";
import { scrubber } from "../client/scrub";
import { clientFor } from "../client/sessions";
import { AccountEndpoint, AccountSchema, EndpointName } from "../schema/accounts";
import { DEVICE_DEFAULTS, DeviceConnection, normalizeEndpoint } from "../schema/device";
import { argOfWire } from "../schema/mapping";
import { markerKeys, withMarkers } from "../schema/markers";
import { describeDevice, DeviceInfo } from "../schema/info";
import { FieldFailure } from "../schema/report";
import { Registration, waitOf } from "../schema/registration-codecs";
import { accountFields, UNKNOWN, validateAccountInputs } from "../schema/validate";
import { awaitRegistration, RegistrationProblem, reportRegistration } from "./registration-wait";

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

/** Where one account of one device is reached: the shared client and the path of each endpoint. */
interface Target {
  readonly client: DeviceClient;
  readonly device: DeviceConnection;
}

function targetOf(props: Props, fallback: FallbackCredentials): E.Either<string, Target> {
  return pipe(
    connectionOf(props, fallback),
    E.map((options) => ({ client: clientFor(options), device: props.device as DeviceConnection })),
  );
}

/** An endpoint's path on this device: its `device` option if it has one and it is set, else its own. */
const pathOf = (endpoint: AccountEndpoint, { device }: Target) => (endpoint.pathOption === undefined ? undefined : device[endpoint.pathOption]) ?? endpoint.path;

/** The fields of `props` that live on `endpoint`. */
const fieldsOn = (endpoint: AccountEndpoint, props: Props) => Object.fromEntries(Object.entries(props).filter(([k]) => endpoint.fields.includes(k)));

// ---- effects ----------------------------------------------------------------------------------------
// A sequence of device steps, in plain async/await. Each step's Left is thrown at once as the
// `ResourceError` Pulumi shows; it keeps the kind, status, parameter and cause of what failed.

/** The SIP passwords an operation handles, to be scrubbed from anything a device echoes. */
function secretsOf(schema: AccountSchema, ...props: Props[]): string[] {
  return props.flatMap((p) => schema.secrets.map((k) => p[k]).filter((v): v is string => typeof v === "string"));
}

/** One resource operation (`create (adopt) SIP account`): runs its steps, names its failures. */
class Operation {
  readonly name: string;
  /** The account path of the target, once known: a 404 there means the account is not at that path. */
  private path?: string;
  /** What the device said about itself, for messages: this run's `/api/info` or the state's. */
  private info?: Promise<DeviceInfo | undefined>;

  constructor(
    step: string,
    readonly schema: AccountSchema,
    /** The operation's SIP passwords. */
    readonly secrets: readonly string[],
  ) {
    this.name = `${step} ${schema.title}`;
  }

  /** Asks the device who it is (once per client and run); the answer also decorates failures. */
  identify(client: DeviceClient): Promise<DeviceInfo | undefined> {
    this.info = deviceInfoOf(client);
    return this.info;
  }

  /** Uses the description kept in state, without a request (state from older versions has none). */
  knownAs(info: unknown): void {
    this.info = Promise.resolve(DeviceInfo.is(info) ? info : undefined);
  }

  /** The failure of a device step. The device's parameter is named as our arg too. */
  failure(e: AccountFailure, note = "", info?: DeviceInfo): ResourceError {
    if (!isDeviceError(e)) return new ResourceError(`${this.name}: ${note}${e.message}`, { kind: "internal", operation: this.name, cause: e });
    const field = e.param === undefined ? undefined : argOfWire(e.param);
    const who = describeDevice(info);
    const message = e.status === 404 && e.path === this.path ? this.missingAccount(e) : e.message;
    // The device's model and firmware, when known, go right after its endpoint.
    const text = who === undefined ? message : message.replace(`BAS-IP device ${e.device}`, `BAS-IP device ${e.device} (${who})`);
    return new ResourceError(`${this.name}: ${note}${text}${field === undefined ? "" : ` [field ${field}]`}`, {
      kind: e.kind,
      operation: this.name,
      device: e.device,
      status: e.status,
      code: e.code,
      param: e.param,
      field,
      cause: e,
    });
  }

  /** A 404 on the account path: the device has no such account there; say which argument moves it. */
  private missingAccount(e: DeviceError): string {
    const { title, kind, pathOption } = this.schema;
    const what =
      kind === "second"
        ? `BAS-IP does not publish the second account's path: find the one your firmware serves (see docs/reference/second-sip-account.md, The account's path) and set device.${pathOption}`
        : `if your firmware serves it elsewhere, set device.${pathOption}`;
    return `BAS-IP device ${e.device} has no ${title} at ${e.path} (${e.method} answered HTTP 404); ${what}`;
  }

  /** A failure found by us, not reported by a device. */
  problem(kind: "config" | "unapplied", text: string, device?: string): ResourceError {
    return new ResourceError(`${this.name}: ${text}`, { kind, operation: this.name, device });
  }

  /** A registration check that failed after a write: the step fails, and `state` is recorded as the resource's. */
  partial(id: string, device: string, problem: RegistrationProblem, state: Props): PartialFailure {
    const kind = problem.cause === undefined ? "registration" : isDeviceError(problem.cause) ? problem.cause.kind : "internal";
    return new PartialFailure(`${this.name}: ${problem.message}`, { kind, operation: this.name, device, cause: problem.cause }, id, state);
  }

  /** Awaits one device step; its failure is thrown as the resource's, prefixed by `note`. */
  step<A>(pending: Promise<A>, note?: string): Promise<A> {
    return pending.catch(async (e: unknown) => Promise.reject(this.failure(classify(e), note, await this.info)));
  }

  /** Runs the operation; whatever else escapes it is a bug of ours, reported as one. */
  async run<A>(body: (op: Operation) => Promise<A>): Promise<A> {
    try {
      return await body(this);
    } catch (e) {
      throw e instanceof ResourceError ? e : this.failure(new InternalError(e));
    }
  }

  target(props: Props, fallback: FallbackCredentials): Target {
    const target = targetOf(props, fallback);
    if (E.isLeft(target)) throw this.problem("config", target.left, endpointOf(props));
    // The account object's path, for the missing-account message on a 404 there.
    this.path = pathOf(this.schema.endpoints[0], target.right);
    return target.right;
  }
}

/**
 * Writes the desired fields over what the device holds and reads back to prove it took them, one
 * endpoint at a time, the account object first (SIP is switched on after its settings are in place).
 * An endpoint is written when one of its managed fields is in `changed` (every one when absent).
 * `current` holds an endpoint's device values when the caller already read them.
 */
async function apply(op: Operation, target: Target, inputs: Props, { changed, current = {} }: { changed?: readonly string[]; current?: Partial<Record<EndpointName, Props>> } = {}): Promise<Props> {
  const { schema } = op;
  const { client } = target;
  for (const endpoint of schema.endpoints) {
    const desired = fieldsOn(endpoint, accountFields(schema, inputs));
    const names = Object.keys(desired);
    if (names.length === 0 || (changed !== undefined && !names.some((n) => changed.includes(n)))) continue;
    const path = pathOf(endpoint, target);
    const everyFieldManaged = endpoint.fields.every((k) => desired[k] !== undefined);
    // Unmanaged fields come from the device so the whole-object write keeps them as they are.
    const onDevice = current[endpoint.name] ?? (everyFieldManaged ? {} : await op.step(readEndpoint(client, endpoint, path, op.secrets)));
    await op.step(writeEndpoint(client, schema, endpoint, path, { ...onDevice, ...desired }, op.secrets));
    const after = await op.step(
      readEndpoint(client, endpoint, path, op.secrets),
      "the write was sent but reading it back failed, so it is unverified; run `pulumi refresh`. ",
    );
    const missing = unapplied(schema, desired, after);
    // The device's values are quoted: scrub them, a device may put a password anywhere.
    const quoted = scrubber(op.secrets)(missing.join("; "));
    if (missing.length > 0) throw op.problem("unapplied", `device ${client.endpoint} accepted the write but did not apply: ${quoted}`, client.endpoint);
  }
  return { ...inputs };
}

/**
 * `props` with `deviceInfo` when there is one. Never a key with `undefined`: the host cannot send
 * that to the engine ("Unexpected struct type"), which would fail the operation after the write.
 */
function withInfo(props: Props, info: unknown): Props {
  return info === undefined ? { ...props } : { ...props, deviceInfo: info };
}

/**
 * A write with its registration check: reads the status before writing when it will wait (only an
 * attempt after the write counts), applies, then reports or waits. If the account does not register,
 * the step fails as a partial failure whose state is the settings as written with the registration
 * seen, so the next `up` re-applies (see `registrationPending`) and state never claims the device
 * still holds the previous values.
 */
async function write(op: Operation, target: Target, id: string, inputs: Props, how: Parameters<typeof apply>[3], info: Promise<unknown>): Promise<Props> {
  if (!op.schema.registration) return apply(op, target, inputs, how);
  const wait = waitOf(inputs);
  const before = wait > 0 ? await op.step(readRegistration(target.client), "before writing: ") : undefined;
  const applied = await apply(op, target, inputs, how);
  const seen = before === undefined ? await reportRegistration(target.client) : await awaitRegistration(target.client, before, wait);
  if (E.isLeft(seen)) throw op.partial(id, target.client.endpoint, seen.left, withInfo({ ...applied, registration: seen.left.registration }, await info));
  return { ...applied, registration: seen.right };
}

/** `create` adopts the account: read (proves reachability and credentials), write, read back. */
export async function create(schema: AccountSchema, inputs: Props, fallback: FallbackCredentials): Promise<{ id: string; outs: Props }> {
  const id = idOf(schema, inputs);
  const outs = await new Operation("create (adopt)", schema, secretsOf(schema, inputs)).run(async (op) => {
    const target = op.target(inputs, fallback);
    // Asked alongside the first read, so a device that answers slowly costs no extra wait.
    const info = op.identify(target.client);
    const settings = schema.endpoints[0];
    const current = await op.step(readEndpoint(target.client, settings, pathOf(settings, target), op.secrets));
    const written = await write(op, target, id, inputs, { current: { settings: current } }, info);
    return withInfo(written, await info);
  });
  return { id, outs };
}

/** The computed outputs of `olds`, carried over when nothing is written. */
const computed = (schema: AccountSchema, olds: Props) => Object.fromEntries(schema.outputs.filter((k) => olds[k] !== undefined).map((k) => [k, olds[k]]));

/**
 * `update` writes the endpoints whose fields changed, or the whole account again while a wanted
 * registration is pending; connection- and option-only changes touch state alone.
 */
export async function update(schema: AccountSchema, olds: Props, news: Props, fallback: FallbackCredentials): Promise<{ outs: Props }> {
  // The device is not asked again: its description is kept from create or the last refresh.
  const kept = withInfo({}, olds.deviceInfo);
  const changed = changedFields(schema, olds, news);
  const pending = registrationPending(schema, olds, news);
  if (changed.length === 0 && !pending) return { outs: { ...news, ...computed(schema, olds), ...kept } };
  const op = new Operation("update", schema, secretsOf(schema, news, olds));
  op.knownAs(olds.deviceInfo);
  const outs = await op.run((o) => write(o, o.target(news, fallback), idOf(schema, olds), news, pending ? {} : { changed }, Promise.resolve(olds.deviceInfo)));
  return { outs: { ...outs, ...kept } };
}

/**
 * `read` (refresh): the device's values for the managed fields, from each endpoint they live on, and
 * its registration status; the password stays the last applied one from state, because the device
 * only answers `WebPass`.
 */
export async function read(schema: AccountSchema, id: string, props: Props, fallback: FallbackCredentials): Promise<{ id: string; props: Props; inputs: Props }> {
  const managed = accountFields(schema, props);
  const { deviceInfo: _old, ...refreshed } = props;
  const info = await new Operation("refresh", schema, secretsOf(schema, props)).run(async (op) => {
    const target = op.target(props, fallback);
    const asked = op.identify(target.client);
    for (const [i, endpoint] of schema.endpoints.entries()) {
      // The account object is always read (it proves the account is there); others when managed.
      if (i > 0 && Object.keys(fieldsOn(endpoint, managed)).length === 0) continue;
      const onDevice = await op.step(readEndpoint(target.client, endpoint, pathOf(endpoint, target), op.secrets));
      for (const k of Object.keys(fieldsOn(endpoint, managed))) {
        if (k !== "password" && onDevice[k] !== undefined) refreshed[k] = onDevice[k];
      }
    }
    if (schema.registration) refreshed.registration = await op.step(readRegistration(target.client));
    return asked;
  });
  const inputs = Object.fromEntries(Object.entries(refreshed).filter(([k]) => !schema.outputs.includes(k)));
  // A device that stopped answering `/api/info` keeps the description it gave before.
  return { id, props: withInfo(refreshed, info ?? props.deviceInfo), inputs };
}
