/** Login and bearer tokens of one device (BAS-IP API login): MD5-hex password in the query, 40-hex tokens with a lifetime. */
import * as crypto from "crypto";

/** The admin credentials a device accepts, password in clear. */
export interface Credentials {
  username: string;
  password: string;
}

function md5Hex(s: string): string {
  return crypto.createHash("md5").update(s, "utf8").digest("hex");
}

/** Why a login query is refused, or undefined when it matches (the hex may be either case). */
export function loginProblem(query: Record<string, string>, creds: Credentials): "missing" | "wrong" | undefined {
  const { username, password } = query;
  if (!username || !password) return "missing";
  if (username !== creds.username || password.toLowerCase() !== md5Hex(creds.password)) return "wrong";
  return undefined;
}

/** Tokens a device holds at once; past that, expired ones go first, then the oldest. */
export const MAX_TOKENS = 1000;

/** Issued tokens and their expiry. Every login issues a new token; older ones stay valid until they expire or are evicted. */
export class Tokens {
  private readonly expiry = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  issue(): string {
    const token = crypto.randomBytes(20).toString("hex");
    if (this.expiry.size >= MAX_TOKENS) this.evict();
    this.expiry.set(token, Date.now() + this.ttlMs);
    return token;
  }

  /** Number of tokens held (tests read it). */
  get size(): number {
    return this.expiry.size;
  }

  private evict(): void {
    const now = Date.now();
    for (const [t, expires] of this.expiry) if (expires <= now) this.expiry.delete(t);
    // A Map iterates in insertion order: the first keys are the oldest logins.
    for (const t of this.expiry.keys()) {
      if (this.expiry.size < MAX_TOKENS) break;
      this.expiry.delete(t);
    }
  }

  /** The valid token of an `Authorization: Bearer` header; undefined if missing, unknown or expired. */
  verify(authorization: string | undefined): string | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!m) return undefined;
    const token = m[1];
    const expires = this.expiry.get(token);
    if (expires === undefined) return undefined;
    if (expires <= Date.now()) {
      this.expiry.delete(token);
      return undefined;
    }
    return token;
  }

  revoke(token: string): void {
    this.expiry.delete(token);
  }

  clear(): void {
    this.expiry.clear();
  }
}
