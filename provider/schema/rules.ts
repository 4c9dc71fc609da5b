/**
 * One io-ts codec per device field. Each codec states its rule once, in words a person can act on;
 * the reporter (`report.ts`) prefixes the field path and, for non-secret fields, the rejected value.
 *
 * Rules follow the BAS-IP API pages by intent: the published user/password
 * regex does not compile in JavaScript and the host regexes are not anchored, so we do not copy them.
 */
import * as t from "io-ts";

/**
 * Control characters: C0 (tab and newline included), DEL and C1, plus the Unicode line and paragraph
 * separators, which break a line as a newline does. The one rule for every text the package accepts
 * or prints: a SIP user or password (our deviation from the main account's API page, which sets no character rule: see
 * docs/reference/sip-account.md, Rules), a device's answer, the admin login, device text in a message.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Whether `s` holds a control character ({@link CONTROL_CHARS}). */
export const hasControl = (s: string): boolean => CONTROL_CHARS.test(s);

/** The placeholder a device answers instead of a stored SIP password. Never valid as input. */
export const WEB_PASS = "WebPass";

/**
 * Builds a codec that refines `base` by `accept`; a rejection carries `rule` as its message.
 * Branding is unnecessary here: these values only cross process boundaries as plain JSON.
 */
export function rule<A>(name: string, base: t.Type<A, A, unknown>, accept: (a: A) => boolean, ruleText: string): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(
    name,
    (u): u is A => base.is(u) && accept(u),
    (u, c) => {
      const decoded = base.validate(u, c);
      if (decoded._tag === "Left") return t.failure(u, c, ruleText);
      return accept(decoded.right) ? t.success(decoded.right) : t.failure(u, c, ruleText);
    },
    t.identity,
  );
}

/** A string that fails with `ruleText` when it is not a string at all, too. */
const str = (name: string, accept: (s: string) => boolean, ruleText: string) => rule(name, t.string, accept, ruleText);

const IPV4_RE = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// Labels of letters, digits, '-' and '_' (the spec's pattern allows '_'); single-label names such as
// `localhost` are accepted because lab and docker setups use them. An all-digit last label is refused
// so that `1.2.3.256` is a bad address, not a host name.
const LABEL_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

const isDnsName = (s: string) => {
  const labels = s.split(".");
  return s.length <= 253 && labels.every((l) => LABEL_RE.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
};
const isHost = (s: string) => IPV4_RE.test(s) || isDnsName(s);

const isHostPort = (s: string) => {
  const m = /^([^:]*)(?::(\d{1,5}))?$/.exec(s);
  return m !== null && isHost(m[1]) && (m[2] === undefined || (Number(m[2]) >= 1 && Number(m[2]) <= 65535));
};

/** Characters the devices accept in user, user id and password (the published set, read by intent); `;` is accepted as well. */
export const ALLOWED_CHARS_TEXT = "letters, digits, space and ~`!@#$%^&*()_-+={[}]|\"<,>.?/;";
const allowedRe = /^[0-9A-Za-z \t~`!@#$%^&*()_\-+={[}\]|"<,>.?/;]*$/;
const inSet = (s: string) => allowedRe.test(s);

/** IPv4 address or DNS name, no port (the STUN server address). */
export const Host = str("Host", isHost, "must be an IPv4 address or DNS name without a port");

/** IPv4 address or DNS name with an optional `:port` (realm, outbound). */
export const HostPort = str("HostPort", isHostPort, "must be an IPv4 address or DNS name with an optional :port");

/** `HostPort` or the empty string (outbound proxy switched off). */
export const OptionalHostPort = str("OptionalHostPort", (s) => s === "" || isHostPort(s), 'must be "" or an IPv4 address or DNS name with an optional :port');

/** Main account proxy: `HostPort`, optionally written with the `sip:` scheme. */
export const MainProxy = str(
  "MainProxy",
  (s) => isHostPort(s.startsWith("sip:") ? s.slice(4) : s),
  "must be an IPv4 address or DNS name with an optional sip: prefix and :port",
);

/** Second account proxy: the Android-panel spec requires the `sip:` scheme. */
export const SipUriProxy = str(
  "SipUriProxy",
  (s) => s.startsWith("sip:") && isHostPort(s.slice(4)),
  "must be sip: followed by an IPv4 address or DNS name with an optional :port",
);

/** Second account SIP user (API page "Get second account SIP settings"): 1 to 31 characters from the allowed set. */
export const SipUser = str("SipUser", (s) => s.length >= 1 && s.length <= 31 && inSet(s), `must be 1 to 31 characters from: ${ALLOWED_CHARS_TEXT}`);

/** Characters counted as a person reads them: an emoji or accented letter is one, not two UTF-16 units. */
const charCount = (s: string) => [...s].length;
const ANY_TEXT_RULE = "must be 1 to 31 characters, none of them a control character";
const isAnyText = (s: string) => charCount(s) >= 1 && charCount(s) <= 31 && !hasControl(s);

/** Main account SIP user (its API page: "non-empty and <= 31 characters", no character rule). */
export const MainUser = str("MainUser", isAnyText, ANY_TEXT_RULE);

/** SIP user id: 0 to 31 characters from the allowed set. */
export const SipUserId = str("SipUserId", (s) => s.length <= 31 && inSet(s), `must be 0 to 31 characters from: ${ALLOWED_CHARS_TEXT}`);

/** A SIP password: `accept` is the account's own rule, stated by `ruleText`; `WebPass` is refused on both. */
const password = (name: string, accept: (s: string) => boolean, ruleText: string) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === "string" && u !== WEB_PASS && accept(u),
    (u, c) => {
      if (typeof u !== "string") return t.failure(u, c, "must be a string");
      if (u === WEB_PASS) return t.failure(u, c, `must not be "${WEB_PASS}": that is the placeholder devices answer instead of the real password`);
      return accept(u) ? t.success(u) : t.failure(u, c, ruleText);
    },
    t.identity,
  );

/** Main account SIP password (its API page: 1 to 31 characters, no character rule; control characters refused). */
export const MainPassword = password("MainPassword", isAnyText, ANY_TEXT_RULE);

/** Second account SIP password (its API page: 6 to 31 characters from the allowed set). */
export const SecondPassword = password("SecondPassword", (s) => s.length >= 6 && s.length <= 31 && inSet(s), `must be 6 to 31 characters from: ${ALLOWED_CHARS_TEXT}`);

/** An integer from `min` to `max`, both included. */
export const integerIn = (name: string, min: number, max: number) =>
  rule(name, t.number, (n) => Number.isInteger(n) && n >= min && n <= max, `must be an integer from ${min} to ${max}`);

/** A finite number from `min` to `max`, both included; fractions allowed. */
export const numberIn = (name: string, min: number, max: number) =>
  rule(name, t.number, (n) => Number.isFinite(n) && n >= min && n <= max, `must be a number from ${min} to ${max}`);

/** Main account registration expiry in seconds: its API page types it "number", so 30.5 is valid. */
export const MainRegistrationInterval = numberIn("MainRegistrationInterval", 30, 900);

/** Second account registration expiry in seconds: its API page types it "integer". */
export const RegistrationInterval = integerIn("RegistrationInterval", 30, 900);

/** H.264 RTP payload type; the device default is 102. */
export const H264 = integerIn("H264", 99, 127);
export const H264_DEFAULT = 102;

/** UDP/TCP port. */
export const Port = integerIn("Port", 1, 65535);

/** SIP transport protocol. */
export const Transport = rule(
  "Transport",
  t.keyof({ udp: null, tcp: null, tls: null }),
  () => true,
  'must be one of "udp", "tcp", "tls"',
);

/** STUN server, as the device nests it. */
export const Stun = t.type({ ip: Host, port: Port }, "Stun");
