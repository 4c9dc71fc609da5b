/**
 * HTTP client for one BAS-IP device: MD5 login, one Bearer token reused by every call, one re-login on
 * 401, bounded retries with backoff, a timeout per attempt, and TLS verified unless told otherwise.
 *
 * A device is not trusted: answers are bounded in size, redirects are refused, a 2xx carrying an
 * error envelope is a failure, and every piece of device text in a message is scrubbed of the
 * secrets the client knows (admin password, its hash, tokens, the operation's SIP passwords).
 */
import { createHash } from "crypto";
import * as http from "http";
import { inspect } from "util";
import * as E from "fp-ts/Either";
import * as t from "io-ts";
import nodeFetch, { RequestInit as NodeRequestInit, Response as NodeResponse } from "node-fetch";
import { DEVICE_DEFAULTS, normalizeEndpoint } from "../schema/device";
import { DeviceFault, LoginResponse, isErrorEnvelope, parseFault } from "../schema/envelopes";
import { formatFailures, report } from "../schema/report";
import { WEB_PASS } from "../schema/rules";
import { jsonDepth, MAX_ANSWER_BYTES, MAX_JSON_DEPTH, readBounded, TooLarge } from "./body";
import { DeviceError, DeviceErrorInit } from "./errors";
import { Gate, gateFor, MAX_IN_FLIGHT_PER_DEVICE } from "./gate";
import { redactQuerySecrets } from "./redact";
import { PIN_MISMATCH } from "./tls";
import { deviceText, Scrub, scrubber } from "./scrub";
import { agentFor } from "./tls";

/** The subset of `fetch` the client uses; injectable for tests. */
export type FetchLike = (url: string, init: NodeRequestInit) => Promise<Pick<NodeResponse, "status" | "headers" | "body">>;

export interface ClientOptions {
  /** `http(s)://host[:port]`, no trailing slash. */
  readonly endpoint: string;
  readonly username: string;
  /** Admin password in plain text; only its MD5 hash is ever sent. */
  readonly password: string;
  /** Per attempt. @default 10000 */
  readonly timeoutMs?: number;
  /**
   * Extra attempts after a connection error, a timeout or a 5xx. Writes are retried too, because a
   * SIP settings write replaces the whole object and so is idempotent. @default 2
   */
  readonly retries?: number;
  /** First backoff; doubles per attempt. @default 250 */
  readonly retryDelayMs?: number;
  /** Skip TLS verification (devices ship self-signed certificates). @default false */
  readonly insecureSkipVerify?: boolean;
  /** PEM CA certificate that signs the device's certificate. */
  readonly caCertificate?: string;
  /** SHA-256 fingerprint of the device certificate; when set, only that certificate is accepted. */
  readonly tlsFingerprint?: string;
  readonly fetch?: FetchLike;
}

/** Counters a caller can read to prove request budgets. */
export interface ClientStats {
  logins: number;
  requests: number;
}

interface Attempt {
  readonly status: number;
  readonly text: string;
}

/** One request as the client makes it; `secrets` are the operation's own (SIP passwords). */
interface Call {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly secrets: readonly string[];
}

/** A token usable as a header value: RFC 6750 token68 characters, bounded. Devices issue 40 hex digits. */
const TOKEN_RE = /^[A-Za-z0-9._~+/-]{1,512}=*$/;
const TOKEN_RULE = "1 to 512 characters from A-Z a-z 0-9 - . _ ~ + / (then =)";

/** Tokens of past logins, and secrets passed by callers, kept for scrubbing (a device may echo an older one). */
const TOKENS_REMEMBERED = 8;
const SECRETS_REMEMBERED = 64;

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** Network errors that a retry may cure (the device rebooting, a dropped keep-alive socket). */
function isTransient(e: unknown): boolean {
  return e instanceof DeviceError && (e.kind === "network" || e.kind === "timeout" || (e.kind === "http" && (e.status ?? 0) >= 500));
}

/** What a client must keep from `util.inspect`, logs and serialisation: held outside the instance. */
interface Credentials {
  readonly password: string;
  readonly hash: string;
  token?: string;
  pendingLogin?: Promise<string>;
  readonly tokens: string[];
  /** Secrets callers passed recently: a login started by one call scrubs that call's SIP password too. */
  readonly passed: string[];
}
const credentials = new WeakMap<DeviceClient, Credentials>();

export class DeviceClient {
  readonly endpoint: string;
  readonly username: string;
  readonly stats: ClientStats = { logins: 0, requests: 0 };
  private readonly opts: { timeoutMs: number; retries: number; retryDelayMs: number; insecureSkipVerify: boolean; caCertificate?: string; tlsFingerprint?: string };
  private readonly fetch: FetchLike;
  private readonly agent: http.Agent;
  /** Shared by every client of this device: caps its requests in flight. */
  readonly gate: Gate;

  constructor(options: ClientOptions) {
    this.endpoint = normalizeEndpoint(options.endpoint);
    this.username = options.username;
    credentials.set(this, { password: options.password, hash: md5(options.password), tokens: [], passed: [] });
    this.opts = {
      timeoutMs: options.timeoutMs ?? DEVICE_DEFAULTS.timeoutMs,
      retries: options.retries ?? DEVICE_DEFAULTS.retries,
      retryDelayMs: options.retryDelayMs ?? DEVICE_DEFAULTS.retryDelayMs,
      insecureSkipVerify: options.insecureSkipVerify ?? DEVICE_DEFAULTS.insecureSkipVerify,
      caCertificate: options.caCertificate,
      tlsFingerprint: options.tlsFingerprint,
    };
    // Keep-alive: embedded web servers are slow to accept; reusing one socket saves a handshake per call.
    this.agent = agentFor(this.endpoint, { ...this.opts, maxSockets: MAX_IN_FLIGHT_PER_DEVICE });
    this.fetch = options.fetch ?? (nodeFetch as unknown as FetchLike);
    this.gate = gateFor(this.endpoint);
  }

  /** Inspection shows where and how much, never credentials. */
  [inspect.custom](): string {
    return `DeviceClient { endpoint: ${JSON.stringify(this.endpoint)}, username: ${JSON.stringify(this.username)}, stats: ${JSON.stringify(this.stats)} }`;
  }

  toJSON(): object {
    return { endpoint: this.endpoint, username: this.username, stats: this.stats };
  }

  /** Releases pooled sockets. */
  close(): void {
    this.agent.destroy();
  }

  /** `GET path`, decoded with `codec`; authenticated. `secrets` are scrubbed from any message. */
  get<A>(operation: string, path: string, codec: t.Decoder<unknown, A>, secrets: readonly string[] = []): Promise<A> {
    const call: Call = { operation, method: "GET", path, secrets };
    this.remember(secrets);
    return this.authed(call).then((a) => this.decode(call, a, codec));
  }

  /** `POST path` with a JSON body; authenticated. Refuses a `WebPass` password before sending. */
  async post(operation: string, path: string, body: Record<string, unknown>, secrets: readonly string[] = []): Promise<void> {
    if (body.password === WEB_PASS) {
      const refused: Call = { operation, method: "POST", path, secrets: [] };
      throw this.error(refused, { kind: "refused", detail: `refusing to send the placeholder "${WEB_PASS}" as a password; the device would store it literally` });
    }
    const password = typeof body.password === "string" ? [body.password] : [];
    const call: Call = { operation, method: "POST", path, body: JSON.stringify(body), secrets: [...secrets, ...password] };
    this.remember(call.secrets);
    await this.authed(call);
  }

  /** `GET path` without logging in, one attempt, the answer as JSON: identification probes (`/api/info`). */
  async probe(operation: string, path: string): Promise<unknown> {
    const call: Call = { operation, method: "GET", path, secrets: [] };
    const answer = await this.gate.run(() => this.once(call, undefined, 1));
    // What a device says about itself ends up in state and messages: no secret of ours in it.
    return this.decode(call, { ...answer, text: this.scrubFor(call)(answer.text) }, t.unknown);
  }

  /** Logs in once; concurrent callers share the same login. */
  login(): Promise<string> {
    const creds = this.creds();
    if (creds.token !== undefined) return Promise.resolve(creds.token);
    if (creds.pendingLogin === undefined) {
      creds.pendingLogin = this.doLogin().finally(() => {
        creds.pendingLogin = undefined;
      });
    }
    return creds.pendingLogin;
  }

  private remember(secrets: readonly string[]): void {
    const { passed } = this.creds();
    for (const s of secrets) if (!passed.includes(s)) passed.push(s);
    if (passed.length > SECRETS_REMEMBERED) passed.splice(0, passed.length - SECRETS_REMEMBERED);
  }

  private creds(): Credentials {
    return credentials.get(this) as Credentials;
  }

  /** Every secret this client knows, plus the call's own. */
  private scrubFor(call: Call): Scrub {
    const c = this.creds();
    return scrubber([c.password, c.hash, c.token, ...c.tokens, ...c.passed, ...call.secrets]);
  }

  /** A `DeviceError` for this call, with every piece of device text scrubbed, cleaned and capped. */
  private error(call: Call, init: Omit<DeviceErrorInit, "device" | "operation" | "method" | "path">): DeviceError {
    const scrub = this.scrubFor(call);
    const clean = (s: string | undefined, max?: number) => (s === undefined ? undefined : deviceText(scrub(s), max));
    const fault: DeviceFault | undefined = init.fault && {
      code: clean(init.fault.code),
      message: clean(init.fault.message) as string,
      param: clean(init.fault.param),
      paramMessage: clean(init.fault.paramMessage),
    };
    const cause = init.cause === undefined ? undefined : sanitisedCause(init.cause, (s) => scrub(redactQuerySecrets(s)));
    return new DeviceError({ ...init, device: this.endpoint, operation: call.operation, method: call.method, path: call.path, fault, detail: clean(init.detail, 600), cause });
  }

  private async doLogin(): Promise<string> {
    const creds = this.creds();
    const query = new URLSearchParams({ username: this.username, password: creds.hash });
    // The username may come from config or environment unchecked: no control character reaches a message.
    const call: Call = { operation: `log in as ${deviceText(this.username, 50)}`, method: "GET", path: `/api/v1/login?${query.toString()}`, secrets: [] };
    this.stats.logins++;
    const answer = await this.withRetries(call, undefined);
    const { token } = this.decode(call, answer, LoginResponse);
    // Checked before use: the token goes into a header, and a bad one would be echoed by the header error.
    if (!TOKEN_RE.test(token)) {
      throw this.error(call, { kind: "protocol", detail: `answered a login token that cannot be sent as a header (${token.length} characters; must be ${TOKEN_RULE})` });
    }
    creds.token = token;
    creds.tokens.push(token);
    if (creds.tokens.length > TOKENS_REMEMBERED) creds.tokens.shift();
    return token;
  }

  private async authed(call: Call): Promise<Attempt> {
    const token = await this.login();
    try {
      return await this.withRetries(call, token);
    } catch (e) {
      // Expired or revoked token: log in again once, then retry the call once.
      if (e instanceof DeviceError && e.status === 401) {
        const creds = this.creds();
        if (creds.token === token) creds.token = undefined;
        return this.withRetries(call, await this.login());
      }
      throw e;
    }
  }

  private async withRetries(call: Call, token: string | undefined): Promise<Attempt> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.gate.run(() => this.once(call, token, attempt));
      } catch (e) {
        if (!isTransient(e) || attempt > this.opts.retries) throw e;
        await new Promise((r) => setTimeout(r, this.opts.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  /** One attempt: a 2xx without an error envelope, or a `DeviceError`. */
  private async once(call: Call, token: string | undefined, attempt: number): Promise<Attempt> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs);
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (call.body !== undefined) headers["Content-Type"] = "application/json";
    this.stats.requests++;
    const fail = (init: Omit<DeviceErrorInit, "device" | "operation" | "method" | "path" | "attempts">) => this.error(call, { ...init, attempts: attempt });
    let res: Pick<NodeResponse, "status" | "headers" | "body">;
    let text: string;
    try {
      res = await this.fetch(this.endpoint + call.path, {
        method: call.method,
        headers,
        body: call.body,
        agent: this.agent,
        // A redirect would carry the password or token to wherever the device points.
        redirect: "manual",
        signal: controller.signal as NodeRequestInit["signal"],
      });
      if (res.status >= 300 && res.status < 400) {
        res.body?.resume?.();
        const location = res.headers.get("location");
        const where = location === null ? "no Location" : `Location ${redactQuerySecrets(location)}`;
        throw fail({ kind: "http", status: res.status, fault: { message: `redirect refused (${where}); redirects are not followed, they would carry credentials elsewhere` } });
      }
      const length = Number(res.headers.get("content-length") ?? "0");
      if (length > MAX_ANSWER_BYTES) throw new TooLarge(MAX_ANSWER_BYTES);
      text = await readBounded(res.body, MAX_ANSWER_BYTES);
    } catch (e) {
      if (e instanceof DeviceError) throw e;
      if (e instanceof TooLarge) {
        controller.abort();
        throw fail({ kind: "protocol", detail: `answered more than the ${e.limit} bytes allowed for an answer; not read further` });
      }
      if (controller.signal.aborted) throw fail({ kind: "timeout", detail: `${this.opts.timeoutMs} ms` });
      const err = e as NodeJS.ErrnoException;
      // Another certificate than the pinned one will not change by retrying: refused at once.
      if (err.code === PIN_MISMATCH) throw fail({ kind: "refused", detail: String(err.message), cause: e });
      // A body that does not inflate is the device's fault, not the network's: not retried.
      if (typeof err.code === "string" && err.code.startsWith("Z_")) throw fail({ kind: "protocol", detail: `answered a body that does not decompress (${err.code})`, cause: e });
      throw fail({ kind: "network", detail: err.code ? `${err.code} (${err.message})` : String(err.message), cause: e });
    } finally {
      clearTimeout(timer);
    }
    if (jsonDepth(text) > MAX_JSON_DEPTH) throw fail({ kind: "protocol", detail: `answered JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
    if (res.status < 200 || res.status >= 300) throw fail({ kind: "http", status: res.status, fault: parseFault(text) });
    // Some firmware answers 200 with an error envelope; the write was not applied.
    if (isErrorEnvelope(text)) throw fail({ kind: "http", status: res.status, fault: parseFault(text) });
    return { status: res.status, text };
  }

  private decode<A>(call: Call, answer: Attempt, codec: t.Decoder<unknown, A>): A {
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      throw this.error(call, { kind: "protocol", detail: `answered malformed JSON (${answer.text.length} bytes)` });
    }
    const decoded = codec.decode(json);
    if (E.isLeft(decoded)) {
      const problems = formatFailures(report(decoded.left)).split("\n").join("; ");
      throw this.error(call, { kind: "protocol", detail: `answered an unexpected shape: ${problems}` });
    }
    return decoded.right;
  }
}

/**
 * A copy of a network library's error that keeps its name, code and (scrubbed) message only: the
 * original holds the request URL with the login hash and, via its stack, more of the same.
 */
function sanitisedCause(cause: unknown, scrub: Scrub): Error {
  const original = cause as { name?: unknown; message?: unknown; code?: unknown };
  const copy = new Error(scrub(String(original?.message ?? cause)));
  copy.name = typeof original?.name === "string" ? original.name : "Error";
  if (typeof original?.code === "string") (copy as NodeJS.ErrnoException).code = original.code;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}
