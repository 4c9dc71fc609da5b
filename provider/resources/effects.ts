/**
 * The device side of the settings lifecycle (see `lifecycle.ts`): create (adopt), update and read
 * (refresh), as sequences of device steps. Loaded only when a step talks to a device, so a preview
 * (check and diff) never loads the HTTP client.
 */
import { pipe } from "fp-ts/function";
import * as E from "fp-ts/Either";
import { AccountFailure, classify, readEndpoint, writeEndpoint } from "../client/accounts";
import { DeviceClient } from "../client/client";
import { DeviceError, InternalError, isDeviceError } from "../client/errors";
import { PartialFailure, ResourceError } from "./resource-errors";
import { deviceInfoOf } from "../client/info";
import { readRegistration } from "../client/sip-status";
import { scrubber } from "../client/scrub";
import { clientFor } from "../client/sessions";
import { AccountEndpoint, AccountSchema, EndpointName } from "../schema/accounts";
import { DeviceConnection } from "../schema/device";
import { argOfWire } from "../schema/mapping";
import { describeDevice, DeviceInfo } from "../schema/info";
import { waitOf } from "../schema/registration-codecs";
import { accountFields } from "../schema/validate";
import { changedFields, connectionOf, endpointOf, FallbackCredentials, idOf, registrationPending, unapplied } from "./lifecycle";
import { awaitRegistration, RegistrationProblem, reportRegistration } from "./registration-wait";

type Props = Record<string, unknown>;

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

/** Whether `inputs` set every field of `endpoint`: a write then needs nothing from the device. */
const everyFieldSet = (endpoint: AccountEndpoint, schema: AccountSchema, inputs: Props) => {
  const desired = accountFields(schema, inputs);
  return endpoint.fields.every((k) => desired[k] !== undefined);
};

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
    // Unmanaged fields come from the device so the whole-object write keeps them as they are.
    const onDevice = current[endpoint.name] ?? (everyFieldSet(endpoint, schema, inputs) ? {} : await op.step(readEndpoint(client, endpoint, path, op.secrets)));
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

/**
 * `create` adopts the account: write, read back. The account object is read first (to keep the
 * fields left unset) only when some of its fields are unset; with every field set the write itself
 * proves reachability and credentials, and one request per device is saved (see README, Lifecycle).
 */
export async function create(schema: AccountSchema, inputs: Props, fallback: FallbackCredentials): Promise<{ id: string; outs: Props }> {
  const id = idOf(schema, inputs);
  const outs = await new Operation("create (adopt)", schema, secretsOf(schema, inputs)).run(async (op) => {
    const target = op.target(inputs, fallback);
    // Asked alongside the first request, so a device that answers slowly costs no extra wait.
    const info = op.identify(target.client);
    const settings = schema.endpoints[0];
    const current = everyFieldSet(settings, schema, inputs) ? undefined : await op.step(readEndpoint(target.client, settings, pathOf(settings, target), op.secrets));
    const written = await write(op, target, id, inputs, current === undefined ? {} : { current: { settings: current } }, info);
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
