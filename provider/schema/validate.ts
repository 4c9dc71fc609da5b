/**
 * Pure validation of a resource's inputs, as `check` needs it: one failure per bad field, defaults
 * applied, and values that are unknown during preview let through untouched.
 */
import * as E from "fp-ts/Either";
import * as t from "io-ts";
import { AccountSchema } from "./accounts";
import { CodecProps, propsOf } from "./codec-props";
import { AdminPassword, connectionProblems, DeviceConnection } from "./device";
import { COMPUTED_OUTPUTS } from "./outputs";
import { registrationFailures } from "./registration-codecs";
import { FieldFailure, report } from "./report";
import { KeyScope, unknownKeys } from "./unknown";
import { isObject } from "./plain";

/** The sentinel Pulumi puts in place of a value that is not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function containsUnknown(u: unknown): boolean {
  if (u === UNKNOWN) return true;
  if (isObject(u)) return Object.values(u).some(containsUnknown);
  if (Array.isArray(u)) return u.some(containsUnknown);
  return false;
}


/** Validates one value; inside objects that hold unknowns, validates the known parts only. */
function validateValue(codec: t.Mixed, value: unknown, path: string): FieldFailure[] {
  if (value === UNKNOWN) return [];
  const props = isObject(value) && containsUnknown(value) ? propsOf(codec) : undefined;
  if (props && isObject(value)) return validateProps(props, value, path);
  const decoded = codec.decode(value);
  return E.isLeft(decoded) ? report(decoded.left, path) : [];
}

function validateProps(props: CodecProps, value: Record<string, unknown>, prefix: string): FieldFailure[] {
  return Object.entries(props).flatMap(([key, { codec, required }]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (value[key] === undefined) return required ? [{ property: path, reason: "is required" }] : [];
    return validateValue(codec, value[key], path);
  });
}

/** Inputs that are not account fields: where the device is and how to log in. */
const connectionProps: CodecProps = {
  device: { codec: DeviceConnection, required: true },
  devicePassword: { codec: AdminPassword, required: false },
};

/** Keys the dynamic-provider host adds to every resource's inputs. */
const HOST_KEYS = ["__provider"];

/** Names valid in a nested object that its codec does not hold: the class splits `device.password` off as `devicePassword`. */
const SPLIT_OFF: Readonly<Record<string, readonly string[]>> = { device: ["password"] };

/** Unknown keys at every level whose codec is an object (`device`, `stun`). */
function strayKeys(props: CodecProps, value: Record<string, unknown>, scope: KeyScope, prefix: string): FieldFailure[] {
  const nested = Object.entries(props).flatMap(([key, { codec }]) => {
    const inner = propsOf(codec);
    const v = value[key];
    if (inner === undefined || !isObject(v)) return [];
    const path = prefix === "" ? key : `${prefix}.${key}`;
    return strayKeys(inner, v, { what: `a field of \`${path}\``, names: [...Object.keys(inner), ...(SPLIT_OFF[path] ?? [])] }, path);
  });
  return [...unknownKeys(value, scope, prefix), ...nested];
}

/**
 * Validates the inputs of one account resource. Returns the inputs the provider keeps (known keys
 * only, defaults applied) or every failure at once; a key no rule knows is a failure too.
 */
export function validateAccountInputs(
  schema: AccountSchema,
  raw: Record<string, unknown>,
  /** Names the provider derives into the inputs (change markers): refused from a program like outputs. */
  derived: readonly string[] = [],
): E.Either<FieldFailure[], Record<string, unknown>> {
  const fields: CodecProps = {
    ...Object.fromEntries(Object.entries(schema.required).map(([k, codec]) => [k, { codec, required: true }])),
    ...Object.fromEntries(Object.entries(schema.optional).map(([k, codec]) => [k, { codec, required: false }])),
    ...Object.fromEntries(Object.entries(schema.options).map(([k, codec]) => [k, { codec, required: false }])),
  };
  const all: CodecProps = { ...connectionProps, ...fields };
  const withDefaults: Record<string, unknown> = { ...schema.defaults };
  for (const key of Object.keys(all)) if (raw[key] !== undefined) withDefaults[key] = raw[key];
  const scope: KeyScope = {
    what: `an argument of ${schema.typeName}`,
    // The whole table: a field a caller leaves out of the rules (`check-settings.ts` ignore) is still a name.
    names: ["device", ...Object.keys(schema.fields), ...Object.keys(schema.options)],
    alsoKnown: [...Object.keys(connectionProps), ...HOST_KEYS],
    outputs: [...COMPUTED_OUTPUTS, ...schema.outputs, ...derived],
  };
  const failures = [...validateProps(all, withDefaults, ""), ...strayKeys(all, raw, scope, "")];
  if (failures.length === 0 && isObject(withDefaults.device)) {
    failures.push(...connectionProblems(withDefaults.device).map(([k, reason]) => ({ property: `device.${k}`, reason })));
  }
  // Rules across fields, once each field is valid on its own.
  if (failures.length === 0 && schema.registration) failures.push(...registrationFailures(withDefaults));
  return failures.length > 0 ? E.left(failures) : E.right(withDefaults);
}

/** The account fields of validated inputs (connection keys removed). */
export function accountFields(schema: AccountSchema, inputs: Record<string, unknown>): Record<string, unknown> {
  const keys = [...Object.keys(schema.required), ...Object.keys(schema.optional)];
  return Object.fromEntries(keys.filter((k) => inputs[k] !== undefined).map((k) => [k, inputs[k]]));
}
