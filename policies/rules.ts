/**
 * Per-resource rules of the basip policy pack. Each is pure: inputs of one account in, messages out.
 * Messages name the resource and the input field, and never contain a password.
 */
import { Account, ConfigSpec, deviceOf, field, label, ResourceRule } from "./model";

const TRANSPORTS = ["udp", "tcp", "tls"] as const;
type Transport = (typeof TRANSPORTS)[number];

/** The factory admin password of BAS-IP panels (and of the emulator). */
export const FACTORY_ADMIN_PASSWORD = "123456";

type Scope = { appliesTo: "production" | "all" };
const appliesToSpec: ConfigSpec<Scope> = {
  appliesTo: {
    type: "string",
    enum: ["production", "all"],
    default: "production",
    description: 'Check only stacks tagged basip:environment=production ("production"), or every stack ("all").',
  },
};

const inScope = (c: Scope, production: boolean) => c.appliesTo === "all" || production;
const where = (c: Scope) => (c.appliesTo === "all" ? "this stack requires" : "production stacks require");

export const httpsEndpoint: ResourceRule<Scope> = {
  scope: "resource",
  name: "basip-https-endpoint",
  description: "Device endpoints use https:// on production stacks: the admin login and the SIP password cross the network.",
  level: "mandatory",
  config: appliesToSpec,
  check: (a, c, s) => {
    const endpoint = deviceOf(a).endpoint;
    if (!inScope(c, s.production) || typeof endpoint !== "string" || !endpoint.toLowerCase().startsWith("http://")) return [];
    return [`${label(a)}: device.endpoint is ${endpoint}; ${where(c)} https:// (with device.caCertificate pinning the device's CA).`];
  },
};

export const verifiedTls: ResourceRule<Scope> = {
  scope: "resource",
  name: "basip-verified-tls",
  description: "No device.insecureSkipVerify on production stacks: pin the device's CA with device.caCertificate instead.",
  level: "mandatory",
  config: appliesToSpec,
  check: (a, c, s) => {
    if (!inScope(c, s.production) || deviceOf(a).insecureSkipVerify !== true) return [];
    return [`${label(a)}: device.insecureSkipVerify is true; ${where(c)} a verified certificate: set device.caCertificate to the PEM of the CA that signed the device's certificate.`];
  },
};

type TransportConfig = { allowed: Transport[]; requireExplicit: boolean };
export const allowedTransports: ResourceRule<TransportConfig> = {
  scope: "resource",
  name: "basip-allowed-transports",
  description: "SIP transport is set explicitly and is one the stack allows.",
  level: "mandatory",
  config: {
    allowed: {
      type: "array",
      items: { type: "string", enum: [...TRANSPORTS] },
      minItems: 1,
      uniqueItems: true,
      default: [...TRANSPORTS],
      description: 'Transports this stack accepts, e.g. ["tls"].',
    },
    requireExplicit: { type: "boolean", default: true, description: "An unset transport (left to the device) is a violation." },
  },
  check: (a, c) => {
    const transport = field(a.props, "transport");
    const allowed = c.allowed.map((t) => `"${t}"`).join(", ");
    if (transport === undefined) {
      return c.requireExplicit ? [`${label(a)}: transport is not set, so the device keeps whatever it has; set it to one of ${allowed}.`] : [];
    }
    if (typeof transport === "string" && (c.allowed as string[]).includes(transport)) return [];
    return [`${label(a)}: transport is "${String(transport)}"; this stack allows ${allowed}.`];
  },
};

type IntervalConfig = { min: number; max: number; requireExplicit: boolean };
const seconds = (d: number, text: string) => ({ type: "integer" as const, minimum: 30, maximum: 900, default: d, description: text });
export const registrationInterval: ResourceRule<IntervalConfig> = {
  scope: "resource",
  name: "basip-registration-interval",
  description: "registrationInterval is set and within the stack's bounds (short intervals flood the PBX; long ones delay recovery).",
  level: "mandatory",
  config: {
    min: seconds(60, "Shortest accepted registration interval, seconds (30 to 900)."),
    max: seconds(600, "Longest accepted registration interval, seconds (30 to 900)."),
    requireExplicit: { type: "boolean", default: true, description: "An unset interval (left to the device) is a violation." },
  },
  validateConfig: (c) => (c.min > c.max ? [`min (${c.min}) must not exceed max (${c.max})`] : []),
  check: (a, c) => {
    const v = field(a.props, "registrationInterval");
    if (v === undefined) {
      return c.requireExplicit ? [`${label(a)}: registrationInterval is not set, so the device keeps whatever it has; set it from ${c.min} to ${c.max} seconds.`] : [];
    }
    if (typeof v === "number" && v >= c.min && v <= c.max) return [];
    return [`${label(a)}: registrationInterval is ${String(v)}; this stack requires ${c.min} to ${c.max} seconds.`];
  },
};

type WaitConfig = { minSeconds: number };
export const waitForRegistration: ResourceRule<WaitConfig> = {
  scope: "resource",
  name: "basip-wait-for-registration",
  description:
    "SipAccount waitForRegistration is on (seconds), so an up fails when the account does not register with the PBX: the only evidence that a write-only SIP password is right.",
  level: "advisory",
  config: { minSeconds: { type: "integer", minimum: 1, maximum: 3600, default: 1, description: "Shortest accepted wait, seconds." } },
  check: (a, c) => {
    // The device's registration status describes the main account only; SecondSipAccount has no wait.
    if (a.kind !== "SipAccount") return [];
    const wait = field(a.props, "waitForRegistration");
    if (typeof wait === "number" && wait >= c.minSeconds) return [];
    const now = typeof wait === "number" ? `is ${wait}` : "is not set";
    return [`${label(a)}: waitForRegistration ${now} (0 only reports the status); set it to at least ${c.minSeconds} second(s) so that an up fails when the account does not register with the PBX.`];
  },
};

type PasswordConfig = { minLength: number };
export const sipPasswordStrength: ResourceRule<PasswordConfig> = {
  scope: "resource",
  name: "basip-sip-password",
  description: "SIP passwords are long enough and differ from the SIP user (weak SIP credentials invite toll fraud).",
  level: "mandatory",
  config: { minLength: { type: "integer", minimum: 1, maximum: 31, default: 8, description: "Shortest accepted SIP password (1 to 31)." } },
  check: (a, c) => {
    const password = field(a.props, "password");
    if (typeof password !== "string") return [];
    const out: string[] = [];
    // The value is never shown: only its length and whether it equals the user.
    if (password.length < c.minLength) out.push(`${label(a)}: password has ${password.length} characters; this stack requires at least ${c.minLength} (value not shown).`);
    if (password === field(a.props, "user")) out.push(`${label(a)}: password equals user; choose a password that differs from the SIP user (value not shown).`);
    return out;
  },
};

export const noFactoryAdminPassword: ResourceRule<Record<string, never>> = {
  scope: "resource",
  name: "basip-no-factory-admin-password",
  description: "The device admin password is not the factory default.",
  level: "mandatory",
  config: {},
  check: (a) =>
    field(a.props, "devicePassword") === FACTORY_ADMIN_PASSWORD
      ? [`${label(a)}: device.password is the factory default; change the panel's admin password first (value not shown).`]
      : [],
};

export const adminPasswordFromConfig: ResourceRule<Record<string, never>> = {
  scope: "resource",
  name: "basip-admin-password-from-config",
  description: "The admin password comes from stack config basip:password, not from each resource (one secret to rotate for a fleet).",
  level: "advisory",
  config: {},
  check: (a: Account) =>
    field(a.props, "devicePassword") === undefined
      ? []
      : [`${label(a)}: device.password is set on the resource; on a fleet prefer the stack config basip:password (pulumi config set --secret basip:password ...).`],
};
