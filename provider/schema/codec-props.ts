/**
 * The one walker over object codecs: which properties a codec declares, and which are required.
 * Validation (`validate.ts`) uses it to check the known parts of a value that holds unknowns;
 * projection (`project.ts`) to send a device only the declared keys.
 */
import * as t from "io-ts";

/** A declared property: its codec, and whether the object must have it. */
export type CodecProps = Record<string, { codec: t.Mixed; required: boolean }>;

const each = (props: Record<string, t.Mixed>, required: boolean): CodecProps => Object.fromEntries(Object.entries(props).map(([k, codec]) => [k, { codec, required }]));

/** The properties of an object codec (`t.type`, `t.partial`, `t.exact` or an intersection of them), or undefined for a leaf codec. */
export function propsOf(codec: t.Mixed): CodecProps | undefined {
  if (codec instanceof t.InterfaceType) return each(codec.props as Record<string, t.Mixed>, true);
  if (codec instanceof t.PartialType) return each(codec.props as Record<string, t.Mixed>, false);
  if (codec instanceof t.ExactType) return propsOf(codec.type as t.Mixed);
  if (codec instanceof t.IntersectionType) {
    const parts = (codec.types as t.Mixed[]).map(propsOf);
    return parts.every((p) => p !== undefined) ? Object.assign({}, ...parts) : undefined;
  }
  return undefined;
}
