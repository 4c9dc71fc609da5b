/**
 * Outputs the provider computes that are no argument: `check` refuses them as inputs with their own
 * words, and the resource classes' compile-time check allows them next to the field table's outputs.
 */
export const COMPUTED_OUTPUTS = ["deviceInfo"] as const;
export type ComputedOutput = (typeof COMPUTED_OUTPUTS)[number];
