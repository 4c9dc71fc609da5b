/**
 * Account state, driven by the field rules: seeding, merging an accepted POST, and the two views
 * (GET answers `WebPass` for the password, the state endpoint masks it).
 * Only fields named by the rules are ever stored; object fields are copied, never shared.
 */
import { ACCOUNTS, ACCOUNT_KEYS, type AccountStates } from "./accounts";
import { MASK, WEB_PASS, type EmulatorOptions } from "./types";
import { isPlainObject, type Rules } from "./validation";

type Fields = Record<string, unknown>;

/** Each ruled field from `value(name)`, else from base; object fields member by member, always as a fresh object. */
function build(rules: Rules, value: (name: string) => unknown, base: Fields): Fields {
  const out: Fields = {};
  for (const [name, rule] of Object.entries(rules)) {
    const v = value(name);
    const old = base[name];
    if (rule.fields) {
      const src = isPlainObject(v) ? v : {};
      const prev = isPlainObject(old) ? old : {};
      out[name] = build(rule.fields, (m) => src[m], prev);
    } else {
      out[name] = v !== undefined ? v : old;
    }
  }
  return out;
}

/** Fresh state of every account: factory defaults with the seed merged over them. */
export function initialStates(seed: EmulatorOptions["seed"]): AccountStates {
  const states: Partial<Record<string, Fields>> = {};
  for (const key of ACCOUNT_KEYS) {
    const { rules, defaults } = ACCOUNTS[key];
    const s: Fields = seed?.[key] ?? {};
    states[key] = build(rules, (name) => s[name], defaults);
  }
  return states as AccountStates;
}

/**
 * State after an accepted (already validated) POST: every ruled field from the body; omitted
 * optional fields keep their old value; unknown properties are dropped.
 */
export function applyWrite<S>(rules: Rules, old: S, body: Fields): S {
  return build(rules, (name) => body[name], old as Fields) as S;
}

/** The account as GET answers it: the real password never leaves the device. */
export function readView<S>(state: S): S {
  return "password" in (state as Fields) ? { ...state, password: WEB_PASS } : { ...state };
}

/** Every account with passwords masked, for `/__emulator/state`. */
export function maskedStates(states: AccountStates): Record<string, unknown> {
  return Object.fromEntries(ACCOUNT_KEYS.map((k) => [k, "password" in states[k] ? { ...states[k], password: MASK } : { ...states[k] }]));
}
