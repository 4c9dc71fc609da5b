/**
 * Device response bodies other than settings: the login answer and both error envelopes the spec
 * family uses (BAS-IP API: `{"error": "<text>"}` on Android devices, an error object on Camdroid ones).
 */
import * as t from "io-ts";

/** `{"token":"93144b...","account_type":"admin"}` */
export const LoginResponse = t.type({ token: t.string }, "LoginResponse");

/** Android panels/monitors: `{"error":"Log In"}`, ``{"error":"Wrong JSON body: no value for `user`"}``. */
export const StringErrorEnvelope = t.type({ error: t.string }, "StringErrorEnvelope");

/** Camdroid family: `{"error":{"code":"not_valid","message":"Data validation error","data":{"param":"must be a string"}}}`. */
export const ObjectErrorEnvelope = t.type(
  {
    error: t.intersection([
      t.type({ code: t.string, message: t.string }),
      t.partial({ data: t.union([t.record(t.string, t.unknown), t.null]) }),
    ]),
  },
  "ObjectErrorEnvelope",
);

/** What a device said went wrong, whatever envelope it used. */
export interface DeviceFault {
  readonly code?: string;
  readonly message: string;
  /** The offending parameter, when the device names one. */
  readonly param?: string;
  /** The device's text about that parameter. */
  readonly paramMessage?: string;
}

/** Reads either envelope, or falls back to the body text (plain-text or malformed answers). */
export function parseFault(text: string): DeviceFault {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const trimmed = text.trim();
    return { message: trimmed === "" ? "empty body" : trimmed.slice(0, 200) };
  }
  if (ObjectErrorEnvelope.is(body)) {
    const { code, message, data } = body.error;
    const [param, paramMessage] = data ? (Object.entries(data)[0] ?? []) : [];
    return { code, message, param, paramMessage: paramMessage === undefined ? undefined : String(paramMessage) };
  }
  if (StringErrorEnvelope.is(body)) {
    // "Wrong JSON body: no value for `user`" names the parameter between back-ticks.
    const param = /`([^`]+)`/.exec(body.error)?.[1];
    return { message: body.error, param };
  }
  return { message: text.trim().slice(0, 200) };
}

/**
 * Whether a body is one of the error envelopes: an object whose `error` is a string or an object.
 * Success bodies (`{}`, the login answer, settings) never carry an `error` key.
 */
export function isErrorEnvelope(text: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const error = (body as Record<string, unknown>).error;
  return typeof error === "string" || (typeof error === "object" && error !== null);
}
