/**
 * Change markers: for each secret input, a plain counter that `check` adds to the inputs it returns,
 * so a change of the secret is visible to a reviewer without revealing anything about its value.
 *
 * Why: the dynamic-provider host forwards only `changes`/`replaces` from `diff`, so what
 * `preview --diff` and the engine's events compare are the inputs `check` returns, and a secret
 * reads `[secret]` on both sides. `password: [secret]` with `passwordVersion: 1 => 2` next to it
 * says "rotated". The counter is derived, never set by hand (unlike Terraform's `*_wo_version`):
 * `check` sees the old inputs in plaintext (the engine strips secrets before Check), compares the
 * old and new secret and counts. It is no hash or length of the value: a short SIP password is
 * brute-forced from its hash. What it reveals is how many times the value changed in this stack.
 */
import { ACCOUNTS, AccountSchema } from "./accounts";
import { UNKNOWN } from "./validate";

type Props = Record<string, unknown>;

/** The secret inputs that get a marker: the account's secret fields, then the admin password. */
export function markedSecrets(schema: AccountSchema): string[] {
  return [...schema.secrets, "devicePassword"];
}

/** The marker of one secret input: `password` -> `passwordVersion`. */
export const markerOf = (secret: string): string => `${secret}Version`;

/** Every marker key of an account's inputs; known keys, derived by `check`, never taken from the program. */
export function markerKeys(schema: AccountSchema): string[] {
  return markedSecrets(schema).map(markerOf);
}

/**
 * The change counters of every account (`passwordVersion`, `devicePasswordVersion`): plain counts,
 * not secrets, though named after one; a reader of the engine's events shows them with their values.
 */
export const CHANGE_MARKERS: readonly string[] = [...new Set(Object.values(ACCOUNTS).flatMap(markerKeys))];

const isVersion = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 1;

/**
 * The marker of one secret: absent while the secret is; 1 for its first value; the old count,
 * plus one when the value differs. State written before markers existed has none: its value
 * counts as the first (1), so upgrading changes nothing. Unknown during preview when the secret is.
 */
export function nextVersion(oldValue: unknown, oldVersion: unknown, newValue: unknown): number | typeof UNKNOWN | undefined {
  if (newValue === undefined) return undefined;
  if (newValue === UNKNOWN) return UNKNOWN;
  if (oldValue === undefined) return 1;
  const version = isVersion(oldVersion) ? oldVersion : 1;
  return oldValue === newValue ? version : version + 1;
}

/** `inputs` with every marker derived from the old inputs `olds` (markers the program sent are replaced). */
export function withMarkers(schema: AccountSchema, olds: Props, inputs: Props): Props {
  const out: Props = { ...inputs };
  for (const secret of markedSecrets(schema)) {
    const key = markerOf(secret);
    const version = nextVersion(olds[secret], olds[key], inputs[secret]);
    if (version === undefined) delete out[key];
    else out[key] = version;
  }
  return out;
}
