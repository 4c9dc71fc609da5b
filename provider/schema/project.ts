/**
 * What may be sent to a device: only the fields of an account's table, and inside object fields
 * (`stun`) only the keys their codec declares. Whatever else a program or a state holds (an extra
 * `stun` key with a CR/LF in it) never reaches a device.
 */
import * as t from "io-ts";
import type { AccountSchema } from "./accounts";

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u);

/** The properties an object codec declares, or undefined for a leaf codec. */
function declared(codec: t.Mixed): Record<string, t.Mixed> | undefined {
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) return codec.props as Record<string, t.Mixed>;
  if (codec instanceof t.ExactType) return declared(codec.type as t.Mixed);
  if (codec instanceof t.IntersectionType) {
    const parts = (codec.types as t.Mixed[]).map(declared);
    return parts.every((p) => p !== undefined) ? Object.assign({}, ...parts) : undefined;
  }
  return undefined;
}

/** `value` with, at every depth of an object codec, only the declared keys. */
export function knownKeys(codec: t.Mixed, value: unknown): unknown {
  const props = declared(codec);
  if (props === undefined || !isObject(value)) return value;
  return Object.fromEntries(Object.entries(props).filter(([k]) => value[k] !== undefined).map(([k, c]) => [k, knownKeys(c, value[k])]));
}

/** The account's table fields of `settings`, each cut to its codec's keys. */
export function tableFields(schema: AccountSchema, settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema.fields)
      .filter(([k]) => settings[k] !== undefined)
      .map(([k, f]) => [k, knownKeys(f.codec, settings[k])]),
  );
}
