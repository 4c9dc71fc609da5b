/**
 * What a resource operation throws to Pulumi: `ResourceError`, keeping the kind, status, device
 * parameter and cause of what went wrong underneath (a client's `DeviceError`, our own
 * `InternalError`, or a problem of the resource's inputs), and `PartialFailure`, a step that changed
 * the device before it failed. Messages never contain a password or token.
 */
import type { DeviceErrorKind } from "../client/errors";

/** Why a resource operation failed: a device fault's kind, or one of ours. */
export type ResourceErrorKind =
  | DeviceErrorKind
  /** The resource's own inputs or state cannot reach a device (no endpoint, no admin password). */
  | "config"
  /** The device accepted a write but its read-back shows fields it did not apply. */
  | "unapplied"
  /** The settings were written but the account did not register (see `waitForRegistration`). */
  | "registration"
  /** A bug in this package (see `InternalError`). */
  | "internal";

/** The facts of a {@link ResourceError}, as its constructor takes them. */
export type ResourceErrorInit = Pick<ResourceError, "kind" | "operation" | "device" | "status" | "code" | "param" | "field"> & { readonly cause?: unknown };

/** What a resource operation reports to Pulumi: one line for people, the facts for programs. */
export class ResourceError extends Error {
  readonly kind: ResourceErrorKind;
  /** The step and account, e.g. `create (adopt) SIP account`. */
  readonly operation: string;
  readonly device?: string;
  readonly status?: number;
  /** Device error code, when it sent one. */
  readonly code?: string;
  /** The parameter as the device named it (`registration_interval`). */
  readonly param?: string;
  /** The same parameter as the resource's argument (`registrationInterval`). */
  readonly field?: string;

  constructor(message: string, init: ResourceErrorInit) {
    const { cause, ...facts } = init;
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ResourceError";
    this.kind = facts.kind;
    this.operation = facts.operation;
    // The optional facts; each is an own property even when absent (class fields are defined).
    Object.assign(this, facts);
  }
}

/**
 * A step that changed the device and then failed (e.g. written, but not registered). Pulumi's
 * dynamic-provider host turns an error carrying `id` and `properties` into a partial failure: the
 * step fails, and `properties` become the resource's state, so state says what the device now holds.
 * `properties` holds the applied secrets, so it is kept off enumeration (logging the error never
 * prints them).
 */
export class PartialFailure extends ResourceError {
  declare readonly properties: Record<string, unknown>;
  /** What the engine prints for a partial failure (it shows `reasons`, not the message). */
  readonly reasons: readonly string[];

  constructor(
    message: string,
    init: ResourceErrorInit,
    readonly id: string,
    properties: Record<string, unknown>,
  ) {
    super(message, init);
    this.reasons = [message];
    Object.defineProperty(this, "properties", { value: properties, enumerable: false });
  }
}
