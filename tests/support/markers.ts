/** Inputs as a test compares them apart from their change markers (`passwordVersion`, ...). */
import { AccountSchema } from "../../provider/schema/accounts";
import { markerKeys } from "../../provider/schema/markers";

/** `props` without the markers: what the device and `diff` care about. */
export function withoutMarkers(schema: AccountSchema, props: Record<string, unknown>): Record<string, unknown> {
  const keys = new Set(markerKeys(schema));
  return Object.fromEntries(Object.entries(props).filter(([k]) => !keys.has(k)));
}
