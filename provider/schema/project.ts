/**
 * What may be sent to a device: only the fields of an account's table, and inside object fields
 * (`stun`) only the keys their codec declares. Whatever else a program or a state holds (an extra
 * `stun` key with a CR/LF in it) never reaches a device.
 */
import * as t from "io-ts";
import type { AccountSchema } from "./accounts";
import { propsOf } from "./codec-props";
import { isObject } from "./plain";

/** `value` with, at every depth of an object codec, only the declared keys. */
export function knownKeys(codec: t.Mixed, value: unknown): unknown {
  const props = propsOf(codec);
  if (props === undefined || !isObject(value)) return value;
  return Object.fromEntries(Object.entries(props).filter(([k]) => value[k] !== undefined).map(([k, { codec: c }]) => [k, knownKeys(c, value[k])]));
}

/** The account's table fields of `settings`, each cut to its codec's keys. */
export function tableFields(schema: AccountSchema, settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema.fields)
      .filter(([k]) => settings[k] !== undefined)
      .map(([k, f]) => [k, knownKeys(f.codec, settings[k])]),
  );
}
