/**
 * HTTP client for one BAS-IP device: MD5 login, one Bearer token reused by every call, one re-login on
 * 401, bounded retries with backoff, a timeout per attempt, and TLS verified unless told otherwise.
 */
import { createHash } from "crypto";
import * as http from "http";
import * as https from "https";
import * as E from "fp-ts/Either";
import * as t from "io-ts";
import nodeFetch, { RequestInit as NodeRequestInit, Response as NodeResponse } from "node-fetch";
import { DEVICE_DEFAULTS, normalizeEndpoint } from "../schema/device";
import { LoginResponse, parseFault } from "../schema/envelopes";
import { formatFailures, report } from "../schema/report";
import { WEB_PASS } from "../schema/rules";
import { DeviceError } from "./errors";

/** The subset of `fetch` the client uses; injectable for tests. */
export type FetchLike = (url: string, init: NodeRequestInit) => Promise<Pick<NodeResponse, "status" | "text">>;

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

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** Network errors that a retry may cure (the device rebooting, a dropped keep-alive socket). */
function isTransient(e: unknown): boolean {
  return e instanceof DeviceError && (e.kind === "network" || e.kind === "timeout" || (e.kind === "http" && (e.status ?? 0) >= 500));
}

export class DeviceClient {
  readonly endpoint: string;
  readonly stats: ClientStats = { logins: 0, requests: 0 };
  private readonly opts: Required<Omit<ClientOptions, "caCertificate" | "fetch">> & Pick<ClientOptions, "caCertificate">;
  private readonly fetch: FetchLike;
  private readonly agent: http.Agent;
  private token?: string;
  private pendingLogin?: Promise<string>;

  constructor(options: ClientOptions) {
    this.endpoint = normalizeEndpoint(options.endpoint);
    this.opts = {
      endpoint: this.endpoint,
      username: options.username,
      password: options.password,
      timeoutMs: options.timeoutMs ?? DEVICE_DEFAULTS.timeoutMs,
      retries: options.retries ?? DEVICE_DEFAULTS.retries,
      retryDelayMs: options.retryDelayMs ?? DEVICE_DEFAULTS.retryDelayMs,
      insecureSkipVerify: options.insecureSkipVerify ?? DEVICE_DEFAULTS.insecureSkipVerify,
      caCertificate: options.caCertificate,
    };
    // Keep-alive: embedded web servers are slow to accept; reusing one socket saves a handshake per call.
    this.agent = this.endpoint.startsWith("https:")
      ? new https.Agent({ keepAlive: true, rejectUnauthorized: !this.opts.insecureSkipVerify, ca: this.opts.caCertificate })
      : new http.Agent({ keepAlive: true });
    this.fetch = options.fetch ?? (nodeFetch as unknown as FetchLike);
  }

  /** Releases pooled sockets. */
  close(): void {
    this.agent.destroy();
  }

  /** `GET path`, decoded with `codec`; authenticated. */
  get<A>(operation: string, path: string, codec: t.Decoder<unknown, A>): Promise<A> {
    return this.authed(operation, "GET", path, undefined).then((a) => this.decode(operation, "GET", path, a, codec));
  }

  /** `POST path` with a JSON body; authenticated. Refuses a `WebPass` password before sending. */
  async post(operation: string, path: string, body: Record<string, unknown>): Promise<void> {
    if (body.password === WEB_PASS) {
      throw new DeviceError({
        kind: "refused",
        device: this.endpoint,
        operation,
        method: "POST",
        path,
        detail: `refusing to send the placeholder "${WEB_PASS}" as a password; the device would store it literally`,
      });
    }
    await this.authed(operation, "POST", path, JSON.stringify(body));
  }

  /** Logs in once; concurrent callers share the same login. */
  login(): Promise<string> {
    if (this.token !== undefined) return Promise.resolve(this.token);
    if (this.pendingLogin === undefined) {
      this.pendingLogin = this.doLogin().finally(() => {
        this.pendingLogin = undefined;
      });
    }
    return this.pendingLogin;
  }

  private async doLogin(): Promise<string> {
    const operation = `log in as ${this.opts.username}`;
    const query = new URLSearchParams({ username: this.opts.username, password: md5(this.opts.password) });
    const path = `/api/v1/login?${query.toString()}`;
    this.stats.logins++;
    const answer = await this.withRetries(operation, "GET", path, undefined, undefined);
    const { token } = this.decode(operation, "GET", path, answer, LoginResponse);
    this.token = token;
    return token;
  }

  private async authed(operation: string, method: string, path: string, body: string | undefined): Promise<Attempt> {
    const token = await this.login();
    try {
      return await this.withRetries(operation, method, path, body, token);
    } catch (e) {
      // Expired or revoked token: log in again once, then retry the call once.
      if (e instanceof DeviceError && e.status === 401) {
        if (this.token === token) this.token = undefined;
        return this.withRetries(operation, method, path, body, await this.login());
      }
      throw e;
    }
  }

  private async withRetries(operation: string, method: string, path: string, body: string | undefined, token: string | undefined): Promise<Attempt> {
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.once(operation, method, path, body, token, attempt);
        if (answer.status >= 200 && answer.status < 300) return answer;
        throw new DeviceError({ kind: "http", device: this.endpoint, operation, method, path, status: answer.status, fault: parseFault(answer.text), attempts: attempt });
      } catch (e) {
        if (!isTransient(e) || attempt > this.opts.retries) throw e;
        await new Promise((r) => setTimeout(r, this.opts.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  private async once(operation: string, method: string, path: string, body: string | undefined, token: string | undefined, attempt: number): Promise<Attempt> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs);
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    this.stats.requests++;
    try {
      const res = await this.fetch(this.endpoint + path, {
        method,
        headers,
        body,
        agent: this.agent,
        signal: controller.signal as NodeRequestInit["signal"],
      });
      return { status: res.status, text: await res.text() };
    } catch (e) {
      const base = { device: this.endpoint, operation, method, path, attempts: attempt };
      if (controller.signal.aborted) throw new DeviceError({ ...base, kind: "timeout", detail: `${this.opts.timeoutMs} ms` });
      const err = e as NodeJS.ErrnoException;
      throw new DeviceError({ ...base, kind: "network", detail: err.code ? `${err.code} (${err.message})` : err.message, cause: e });
    } finally {
      clearTimeout(timer);
    }
  }

  private decode<A>(operation: string, method: string, path: string, answer: Attempt, codec: t.Decoder<unknown, A>): A {
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      throw new DeviceError({ kind: "protocol", device: this.endpoint, operation, method, path, detail: `answered malformed JSON (${answer.text.length} bytes)` });
    }
    const decoded = codec.decode(json);
    if (E.isLeft(decoded)) {
      const problems = formatFailures(report(decoded.left)).split("\n").join("; ");
      throw new DeviceError({ kind: "protocol", device: this.endpoint, operation, method, path, detail: `answered an unexpected shape: ${problems}` });
    }
    return decoded.right;
  }
}
