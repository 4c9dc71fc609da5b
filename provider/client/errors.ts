/**
 * The client's errors. `DeviceError`: everything that can go wrong talking to a device.
 * `InternalError`: a fault in our own code, never passed off as a device's. (What a resource
 * operation throws to Pulumi is `ResourceError`, in `resources/resource-errors.ts`.) Messages name
 * the device, the operation and the request, and carry the device's own words; they never contain a
 * password or token.
 */
import { DeviceFault } from "../schema/envelopes";
import { redactQuerySecrets } from "./redact";

/** Why a device call failed. */
export type DeviceErrorKind =
  /** The device answered with a non-2xx status. */
  | "http"
  /** No answer within the per-request timeout. */
  | "timeout"
  /** Connection refused, reset, DNS or TLS failure. */
  | "network"
  /** A 2xx answer whose body is not what the spec describes (malformed JSON, unexpected shape). */
  | "protocol"
  /** Refused by the client before sending, e.g. the `WebPass` placeholder as a password. */
  | "refused";

/** What a `DeviceError` is built from: its own facts, and what its message and device fields are made of. */
export type DeviceErrorInit = Pick<DeviceError, "kind" | "device" | "operation" | "method" | "path" | "status"> & {
  /** The device's error envelope, when it sent one. */
  readonly fault?: DeviceFault;
  /** Why, for a failure without an HTTP answer (timeout, network, protocol, refused). */
  readonly detail?: string;
  readonly attempts?: number;
  readonly cause?: unknown;
};

export class DeviceError extends Error {
  readonly kind: DeviceErrorKind;
  /** The device endpoint, e.g. `http://10.0.0.21`. */
  readonly device: string;
  /** What we were doing, e.g. `write SIP account`. */
  readonly operation: string;
  readonly method?: string;
  /** Request path with secret query values redacted. */
  readonly path?: string;
  readonly status?: number;
  /** Device error code (`not_valid`, `invalid_authentication`, ...) when it sent one. */
  readonly code?: string;
  /** The device's own message. */
  readonly deviceMessage?: string;
  /** The offending parameter named by the device. */
  readonly param?: string;
  readonly attempts: number;

  constructor(init: DeviceErrorInit) {
    const path = init.path === undefined ? undefined : redactQuerySecrets(init.path);
    // Redact the whole text: a network library's message may repeat the login URL with its hash.
    super(redactQuerySecrets(DeviceError.describe({ ...init, path })), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "DeviceError";
    this.kind = init.kind;
    this.device = init.device;
    this.operation = init.operation;
    this.method = init.method;
    this.path = path;
    this.status = init.status;
    this.code = init.fault?.code;
    this.deviceMessage = init.fault?.message;
    this.param = init.fault?.param;
    this.attempts = init.attempts ?? 1;
  }

  private static describe(init: DeviceErrorInit): string {
    const request = init.method && init.path ? ` (${init.method} ${init.path})` : "";
    const head = `BAS-IP device ${init.device}: ${init.operation} failed${request}`;
    const tries = (init.attempts ?? 1) > 1 ? ` after ${init.attempts} attempts` : "";
    switch (init.kind) {
      case "http": {
        const f = init.fault;
        const code = f?.code ? ` ${f.code}` : "";
        const param = f?.param ? `; parameter ${f.param}${f.paramMessage ? `: ${f.paramMessage}` : ""}` : "";
        return `${head}: HTTP ${init.status}${code}: ${f?.message ?? "no message"}${param}${tries}`;
      }
      case "timeout":
        return `${head}: no answer within ${init.detail}${tries}`;
      case "network":
        return `${head}: ${init.detail}${tries}`;
      case "protocol":
      case "refused":
        return `${head}: ${init.detail}`;
    }
  }
}

/** Whether an error is a `DeviceError` (also across copies of this module). */
export function isDeviceError(e: unknown): e is DeviceError {
  return e instanceof Error && e.name === "DeviceError";
}

/** A fault in this package's code (a bug), told apart from device faults; `cause` is the original. */
export class InternalError extends Error {
  constructor(cause: unknown) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`internal error in pulumi-basip, not a device fault (please report it): ${redactQuerySecrets(what)}`, { cause });
    this.name = "InternalError";
  }
}
