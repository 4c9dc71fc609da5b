/**
 * Keys a program sets that no rule knows: a misspelt `registrationIntreval` from a JavaScript program
 * (no type checker) would otherwise leave the interval silently unmanaged. Each one becomes a check
 * failure naming the closest valid name. Pure; the names come from the codecs, never a hand list.
 */
import { FieldFailure } from "./report";

/** Edit distance with adjacent transpositions (optimal string alignment): `Intreval` is 1 from `Interval`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

// Case and separators do not count: `registration_interval` and `RegistrationInterval` both find `registrationInterval`.
const fold = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, "");

/** The valid name closest to `key`, if one is close enough to be what was meant. */
export function closestName(key: string, names: readonly string[]): string | undefined {
  const k = fold(key);
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const n = fold(name);
    // A prefix of 3+ characters counts as close, either way round: `pass` for `password`, `userId` for `user`.
    const distance = k.length >= 3 && n.startsWith(k) ? 0.5 : n.length >= 3 && k.startsWith(n) ? 1 : editDistance(k, n);
    if (distance <= Math.max(1, Math.floor(n.length / 3)) && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Where the keys were found, for the message: `an argument of SipAccount`, `a field of device`. */
export interface KeyScope {
  readonly what: string;
  /** Names a user may write here (suggested and listed). */
  readonly names: readonly string[];
  /** Further names accepted silently (keys the host or the class adds, such as `__provider`). */
  readonly alsoKnown?: readonly string[];
  /** Names that are outputs: setting one is a mistake worth its own words. */
  readonly outputs?: readonly string[];
}

/** One failure per key of `value` outside `scope`, each naming the closest valid name when there is one. */
export function unknownKeys(value: Record<string, unknown>, scope: KeyScope, prefix = ""): FieldFailure[] {
  const known = new Set([...scope.names, ...(scope.alsoKnown ?? [])]);
  return Object.keys(value)
    .filter((key) => !known.has(key) && value[key] !== undefined)
    .map((key) => {
      const property = prefix === "" ? key : `${prefix}.${key}`;
      if (scope.outputs?.includes(key)) return { property, reason: `is an output, not ${scope.what}; remove it` };
      const near = closestName(key, scope.names);
      const hint = near !== undefined ? `did you mean \`${near}\`?` : `valid names: ${scope.names.join(", ")}`;
      return { property, reason: `is not ${scope.what}; ${hint}` };
    });
}
