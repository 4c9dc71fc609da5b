/**
 * One device account declared by two resources of a run: the pure part, shared by the program side
 * (`guards.ts` claims accounts as resources are declared) and the provider (`check` turns the
 * problem, carried in an input, into a failure).
 */

/**
 * The provider input that carries a duplicate's problem to `check` (see `duplicateFailure`). Absent
 * (undefined, so never stored) when the resource is the first to declare its account.
 */
export const DUPLICATE_INPUT = "__basipDuplicate";

/** Account id -> label of the resource that declared it, per run. */
export type Claims = Map<string, string>;

/** The problem with `label` declaring account `id`, if another resource of the run already did. */
export function claim(claims: Claims, id: string, label: string): string | undefined {
  const holder = claims.get(id);
  if (holder === undefined) {
    claims.set(id, label);
    return undefined;
  }
  return (
    `${label} and ${holder} both manage ${id}: one device account must be managed by exactly one resource, ` +
    `otherwise each up overwrites the other's values. Remove one of them, or point it at another device's endpoint`
  );
}

/** `check`'s failure for a resource whose inputs carry a duplicate's problem. */
export function duplicateFailure(news: Record<string, unknown>): { property: string; reason: string } | undefined {
  const problem = news[DUPLICATE_INPUT];
  return typeof problem === "string" && problem.includes(" both manage ") ? { property: "device.endpoint", reason: problem } : undefined;
}
