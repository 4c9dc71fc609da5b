/**
 * What counts as a plain value in data the package did not build itself (inputs, state, a device's
 * answer, a YAML or JSON file): the one definition of "an object with keys", shared by every reader.
 */

/** A key/value object: not null, not a list. */
export const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u);
