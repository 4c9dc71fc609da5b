/**
 * Public vocabulary of the emulator: constants and the types of its options, request log and
 * devices. The account state types live next to their table in `accounts.ts`.
 */
import type { AccountKey, AccountStates, MainAccountState, SecondAccountState, SipEnableState } from "./accounts";
import type { RegistrarOptions, RegistrationState } from "./registrar";

/** The placeholder real Android panels return instead of a stored SIP password. */
export const WEB_PASS = "WebPass";
/** Default token lifetime: 2 h, as documented for Camdroid devices. */
export const DEFAULT_TOKEN_TTL_MS = 2 * 60 * 60 * 1000;
/**
 * Value used wherever a secret is masked (request log, state endpoint): the package's one mask
 * (`REDACTED` of pulumi-basip), copied because the emulator never imports the provider.
 */
export const MASK = "[REDACTED]";

/** Misbehaviours a device can be told to show. Counters are consumed as requests arrive. */
export interface FaultOptions {
  /** Delay (ms) before each response. */
  latencyMs: number;
  /** One request at a time per device; others queue (like embedded web servers). */
  serial: boolean;
  /** The next N requests (excluding `/__emulator/*` and `/api/info`) answer `failStatus` with a plain-text body. */
  failNext: number;
  /** Status used by `failNext`; default 500. */
  failStatus: number;
  /** The next N requests (same exclusions) get their socket destroyed without an answer. */
  resetNext: number;
  /** The next N authorised GETs of an account answer 200 with truncated JSON. */
  malformedNext: number;
  /** The next N requests (same exclusions) never answer; the socket stays open until the client gives up or the emulator stops. */
  hangNext: number;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** First port; device i listens on port+i. 0 = a free port for every device (picked below the kernel's ephemeral range, so a device put down can reopen it). Default 0. */
  port?: number;
  /** Bind address; default "127.0.0.1". */
  host?: string;
  /** Number of devices; default 1. */
  devices?: number;
  /** Admin user name; default "admin". */
  username?: string;
  /** Admin password in clear; the login expects its MD5 hex. Default "123456". */
  password?: string;
  /** Token lifetime; default 2 h. */
  tokenTtlMs?: number;
  /** Path of the second account; default {@link DEFAULT_SECOND_ACCOUNT_PATH}. */
  secondAccountPath?: string;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Initial faults for every device. */
  faults?: Partial<FaultOptions>;
  /** Entries each device's request log keeps, oldest dropped first; default 10000 (a long-running emulator stays bounded). */
  requestLogLimit?: number;
  /** Receives one masked line per request. */
  log?: (line: string) => void;
  /**
   * The `/api/info` answer of every device, replacing the default (Android-panel keys: `device_model`
   * "AQ-07L", `device_type`, `device_name`, `device_serial_number`, `firmware_version` "2.11.0",
   * `api_version`, ...). Other families name the facts differently; set this to play one.
   */
  info?: Record<string, unknown>;
  /** Initial account state, merged over the factory defaults (object fields such as `stun` one level deep). */
  seed?: { [K in AccountKey]?: Partial<AccountStates[K]> };
  /** The PBX the devices register with: accepted accounts (default all), attempt delay (default 200 ms), device clock offset. */
  registrar?: Partial<RegistrarOptions>;
  /** Serve `GET /api/v1/sip/status`; false emulates older firmware without it (404). Default true. */
  sipStatus?: boolean;
}

/** What a request was, as {@link EmulatedDevice.counts} counts it. */
export type RequestKind = "login" | "logout" | "info" | "read" | "write" | "other";

/** One entry of a device's request log (the last 10000 are kept). Secrets are masked. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters; `password` and `token` masked. */
  query: Record<string, string>;
  /**
   * Parsed JSON body with every `password` masked, or undefined if empty. Any other body is not kept
   * (it may hold a password in any form): `"[not JSON, N bytes, not kept]"`, or `"[over 65536 bytes, not read]"`.
   */
  body: unknown;
  /** Status sent; 0 when the request was reset or left hanging. */
  status: number;
  /** Arrival time (ms since epoch). */
  at: number;
  /** The body carried the literal password "WebPass". */
  receivedWebPass: boolean;
  kind: RequestKind;
  account?: AccountKey;
}

/** One emulated intercom. */
export interface EmulatedDevice {
  /** 0-based position in {@link Emulator.devices}; the device name and CLI use index+1. */
  readonly index: number;
  readonly port: number;
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Live state with the REAL password; tests may mutate it directly to simulate drift. */
  main: MainAccountState;
  /** Live state with the REAL password; tests may mutate it directly to simulate drift. */
  second: SecondAccountState;
  /** Live SIP enable switch; set `sipEnable.sip_enable = false` to switch SIP off behind a tool's back. */
  sipEnable: SipEnableState;
  /** What `GET /api/v1/sip/status` answers now. */
  readonly registration: RegistrationState;
  /** The device's registrar; its `options` (accepted accounts, delay, clock offset) are live. */
  readonly registrar: { readonly options: RegistrarOptions; attemptNow(): void };
  /** Request log, oldest first; passwords masked. `/__emulator/*` calls are not logged. */
  readonly requests: RecordedRequest[];
  /** Live, mutable faults. */
  faults: FaultOptions;
  /** The `/api/info` answer replacing the default one; mutable. */
  info?: Record<string, unknown>;
  /** Merge faults into {@link faults}. */
  injectFaults(f: Partial<FaultOptions>): void;
  /** Empty the request log and reset the {@link receivedWebPass} flag. */
  clearRequests(): void;
  /** Invalidate every token issued so far. */
  expireTokens(): void;
  /** Counts over the request log. */
  counts(): { login: number; read: number; write: number; info: number; total: number };
  /** Whether any POST since start (or the last {@link clearRequests}) carried password "WebPass". */
  receivedWebPass(): boolean;
  /** true: close the listener (connections refused); false: listen again on the same port. */
  setDown(down: boolean): Promise<void>;
}

/** A running set of devices. */
export interface Emulator {
  readonly devices: EmulatedDevice[];
  /** Device by 0-based index (default 0). */
  device(i?: number): EmulatedDevice;
  /** Close every listener and connection; pending responses are dropped. */
  stop(): Promise<void>;
}
