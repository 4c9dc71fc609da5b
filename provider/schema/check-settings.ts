/**
 * The resources' own input rules as public functions, for checking settings before any resource
 * exists (an inventory file, a form). A value that passes here passes the resource's `check` at
 * preview once the fields left out with `ignore` (typically the SIP password, a secret supplied
 * later) are given.
 */
import * as E from "fp-ts/Either";
import { AccountSchema, SECOND_SIP_ACCOUNT, SIP_ACCOUNT, SecondSipAccountSettings, SipAccountSettings } from "./accounts";
import { DeviceConnection } from "./device";
import { validateAccountInputs } from "./validate";

/** One bad field: its path (`stun.port`, `device.endpoint`) and the rule it breaks, in words. */
export interface SettingsProblem {
  readonly field: string;
  readonly reason: string;
}

/** The checked settings (defaults applied, unknown keys dropped), or every problem at once. */
export type SettingsCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly SettingsProblem[] };

/** Options of the `validate*` functions. */
export interface CheckOptions<K extends string> {
  /** Account fields neither required nor checked, and left out of the result (e.g. `["password"]`). */
  readonly ignore?: readonly K[];
}

/** Account fields plus `device` (its connection settings; a `device.password` is not checked here). */
export type CheckedArgs<S, K extends keyof S> = { device: DeviceConnection } & Omit<S, K>;

function check<S, K extends keyof S & string>(schema: AccountSchema, args: Record<string, unknown>, ignore: readonly K[]): SettingsCheck<CheckedArgs<S, K>> {
  const omit = (fields: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(fields).filter(([k]) => !(ignore as readonly string[]).includes(k)));
  const narrowed = { ...schema, required: omit(schema.required), optional: omit(schema.optional) } as AccountSchema;
  const result = validateAccountInputs(narrowed, args);
  return E.isRight(result)
    ? { ok: true, value: result.right as CheckedArgs<S, K> }
    : { ok: false, problems: result.left.map((f) => ({ field: f.property, reason: f.reason })) };
}

/** Checks the args of a `SipAccount` (main account) with the resource's rules, without a device call. */
export function validateSipAccount<K extends keyof SipAccountSettings & string = never>(
  args: Record<string, unknown>,
  options: CheckOptions<K> = {},
): SettingsCheck<CheckedArgs<SipAccountSettings, K>> {
  return check<SipAccountSettings, K>(SIP_ACCOUNT, args, options.ignore ?? []);
}

/** Checks the args of a `SecondSipAccount` with the resource's rules, without a device call. */
export function validateSecondSipAccount<K extends keyof SecondSipAccountSettings & string = never>(
  args: Record<string, unknown>,
  options: CheckOptions<K> = {},
): SettingsCheck<CheckedArgs<SecondSipAccountSettings, K>> {
  return check<SecondSipAccountSettings, K>(SECOND_SIP_ACCOUNT, args, options.ignore ?? []);
}

const fieldsOf = (s: AccountSchema) => Object.freeze([...Object.keys(s.required), ...Object.keys(s.optional), ...Object.keys(s.options)]);

/** The field names each account takes (besides `device`), in the order the schema lists them, then its options (`waitForRegistration`). */
export const ACCOUNT_FIELDS: Readonly<{ main: readonly string[]; second: readonly string[] }> = Object.freeze({
  main: fieldsOf(SIP_ACCOUNT),
  second: fieldsOf(SECOND_SIP_ACCOUNT),
});

/** The connection settings `device` takes besides `endpoint` and the admin `password`. */
export const DEVICE_CONNECTION_FIELDS: readonly string[] = Object.freeze(
  DeviceConnection.types.flatMap((c) => Object.keys(c.props)).filter((k) => k !== "endpoint"),
);
