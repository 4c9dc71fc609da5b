/**
 * Pulumi state backend URLs as a team writes them (`postgres://user:pass@host:5432/db?sslmode=...`,
 * `s3://bucket`, `file://dir`): parsing and redaction. The CLI echoes the raw URL, password
 * included, in its own errors ("unable to open bucket postgres://pulumi:<password>@..."), so every
 * message we print passes through {@link redactText}. Pure.
 */
import { REDACTED } from "pulumi-basip";

/** Query parameters that carry credentials in backend URLs. */
const SECRET_PARAMS = ["password", "sslpassword", "secret", "token", "access_key", "secret_key", "sas"];

export type BackendKind = "postgres" | "file" | "cloud" | "service";

/** A backend URL's scheme family, so callers know what can be checked before the CLI runs. */
export function backendKind(url: string): BackendKind {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") return "postgres";
  if (scheme === "file") return "file";
  if (scheme === "s3" || scheme === "gs" || scheme === "azblob") return "cloud";
  return "service";
}

/** The URL with the user-info password and secret query values replaced by `REDACTED` (the package's one mask). */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not parseable: mask anything between "//" and "@", and secret-looking parameters.
    return url.replace(/\/\/[^/@]*@/, `//${REDACTED}@`).replace(new RegExp(`([?&](?:${SECRET_PARAMS.join("|")})=)[^&]*`, "gi"), `$1${REDACTED}`);
  }
  if (u.password !== "") u.password = REDACTED;
  for (const key of [...u.searchParams.keys()]) {
    if (SECRET_PARAMS.includes(key.toLowerCase())) u.searchParams.set(key, REDACTED);
  }
  // URL percent-encodes the mask's brackets in user info and the query; show the mask as written.
  return u.toString().split(encodeURIComponent(REDACTED)).join(REDACTED);
}

/** The secrets a URL carries, raw and percent-decoded, longest first. */
function secretsOf(url: string): string[] {
  const found = new Set<string>();
  const add = (s: string) => {
    if (s.length === 0) return;
    found.add(s);
    try {
      found.add(decodeURIComponent(s));
    } catch {
      // keep the raw form only
    }
  };
  try {
    const u = new URL(url);
    add(u.password);
    for (const [key, value] of u.searchParams) if (SECRET_PARAMS.includes(key.toLowerCase())) add(encodeURIComponent(value));
  } catch {
    add(/\/\/[^:/@]*:([^/@]*)@/.exec(url)?.[1] ?? "");
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with the URL redacted wherever it appears, and any of its secrets masked elsewhere too. */
export function redactText(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  for (const secret of secretsOf(url)) out = out.split(secret).join(REDACTED);
  return out;
}

/** Host and port a postgres URL connects to, with libpq's environment defaults for what it leaves out. */
export function postgresAddress(url: string, env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  const u = new URL(url);
  const host = u.hostname !== "" ? u.hostname.replace(/^\[|\]$/g, "") : (env.PGHOST ?? "localhost");
  const port = u.port !== "" ? Number(u.port) : Number(env.PGPORT ?? 5432);
  return { host, port };
}
