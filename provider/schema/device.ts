/**
 * How to reach one device: endpoint, credentials and transport options. Validated by `check` like the
 * account fields, so a typo in an endpoint fails at preview, before any request.
 */
import * as t from "io-ts";
import { TlsFingerprint } from "./fingerprint";
import { hasControl, integerIn, rule } from "./rules";

// Scheme, then a host (name, IPv4 or [IPv6]) and an optional port: nothing the URL parser would
// rewrite or move (upper-case scheme, `?`, `#`, a backslash, `%`, spaces, control characters) gets through,
// so the endpoint is its URL's origin and every request goes exactly where the id says.
const ENDPOINT_RE = /^https?:\/\/(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?\/*$/;

const isEndpoint = (s: string) => {
  if (s.length > 300 || !ENDPOINT_RE.test(s)) return false;
  try {
    return new URL(s).pathname === "/";
  } catch {
    return false;
  }
};

/** `http://host[:port]` or `https://host[:port]`, no credentials, path, query or fragment. */
export const Endpoint = rule("Endpoint", t.string, isEndpoint, "must be an http:// or https:// URL without credentials, path, query or fragment (host and optional port only)");

/** Largest PEM bundle accepted as `caCertificate`. */
export const MAX_CA_CERTIFICATE = 64 * 1024;

const isApiPath = (s: string) => s.length <= 200 && /^\/[A-Za-z0-9._~/-]*$/.test(s);
export const ApiPath = rule("ApiPath", t.string, isApiPath, "must be an absolute path such as /api/v1/device/sip/settings");

/** Connection settings of a device (all but the admin password, which travels as a secret apart). */
export const DeviceConnection = t.intersection(
  [
    t.type({ endpoint: Endpoint }),
    t.partial({
      username: rule("Username", t.string, (s) => s.length >= 1 && s.length <= 50 && !hasControl(s), "must be 1 to 50 characters without control characters"),
      insecureSkipVerify: t.boolean,
      caCertificate: rule(
        "CaCertificate",
        t.string,
        (s) => s.length <= MAX_CA_CERTIFICATE && s.includes("-----BEGIN CERTIFICATE-----"),
        `must be a PEM certificate of at most ${MAX_CA_CERTIFICATE} characters`,
      ),
      tlsFingerprint: TlsFingerprint,
      timeoutMs: integerIn("TimeoutMs", 100, 600000),
      retries: integerIn("Retries", 0, 10),
      mainAccountPath: ApiPath,
      secondAccountPath: ApiPath,
    }),
  ],
  "DeviceConnection",
);
export type DeviceConnection = t.TypeOf<typeof DeviceConnection>;

/** Admin password of the web interface/API (the devices allow up to 16 ASCII characters; we do not narrow it). */
export const AdminPassword = rule("AdminPassword", t.string, (s) => s.length >= 1 && s.length <= 64 && !hasControl(s), "must be 1 to 64 characters without control characters");

/**
 * Rules across the connection's fields: TLS options with an `http://` endpoint would be silently
 * ignored, so they are refused. Returns `[option, reason]` pairs.
 */
export function connectionProblems(device: Partial<DeviceConnection>): [string, string][] {
  if (typeof device.endpoint !== "string" || !device.endpoint.startsWith("http://")) return [];
  const problems: [string, string][] = [];
  if (device.caCertificate !== undefined) problems.push(["caCertificate", "applies to https:// endpoints only; this endpoint is http://"]);
  if (device.insecureSkipVerify === true) problems.push(["insecureSkipVerify", "applies to https:// endpoints only; this endpoint is http://"]);
  if (device.tlsFingerprint !== undefined) problems.push(["tlsFingerprint", "applies to https:// endpoints only; this endpoint is http://"]);
  return problems;
}

/**
 * The one source of the connection defaults. `DeviceArgs` and `ClientOptions` state them in TSDoc
 * (editors show TSDoc, not constants) and docs/reference/device.md repeats them; a unit test
 * (`tests/unit/facts.test.ts`) holds all three to this table.
 */
export const DEVICE_DEFAULTS = {
  username: "admin",
  insecureSkipVerify: false,
  timeoutMs: 10_000,
  retries: 2,
  /** The client's first retry backoff, doubling per attempt (not a `DeviceArgs` option). */
  retryDelayMs: 250,
  mainAccountPath: "/api/v1/device/sip/settings",
  /**
   * Unpublished: the vendor portal's second-account pages omit the method and path. We extend the first
   * account's path, which is how the portal's page titles pair them ("first/second account SIP
   * settings"); users confirm it on their firmware and override it per device.
   */
  secondAccountPath: "/api/v1/device/sip/settings/second",
} as const;

/** The endpoint as used in ids, messages, client keys and requests: no trailing slash. */
export function normalizeEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, "");
}

/**
 * The identity of a panel, the one definition of "the same device" (resource guards, the policy pack,
 * the fleet inventory): scheme, lower-cased host and port, the scheme's default port dropped. So
 * `http://10.0.0.5`, `http://10.0.0.5:80` and `HTTP://10.0.0.5/` are one device, `https://x` and
 * `https://x:443` another. A value that is no URL (which `check` refuses) keys as written, lower-cased.
 */
export function deviceKey(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return normalizeEndpoint(endpoint).toLowerCase();
  }
}
