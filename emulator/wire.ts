/** HTTP in and out: the parsed request handlers see, and the reply they return. */
import type * as http from "http";

/** Largest request body read; a device's account POST is a few hundred bytes. Larger ones get 413. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** A request as route handlers see it. */
export interface DeviceRequest {
  method: string;
  /** Path without query string or trailing slashes. */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  /** Body text, "" if none. */
  raw: string;
  /** Parsed JSON body; undefined when {@link raw} is empty or not JSON. */
  body: unknown;
  bodyIsJson: boolean;
  /** The body passed {@link MAX_REQUEST_BYTES}; nothing of it was kept. */
  tooLarge: boolean;
}

/** An answer to send. */
export interface Reply {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export function json(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, body: JSON.stringify(value), headers };
}

/** The body text, or `tooLarge` as soon as it passes the limit (the rest is drained unread). */
function readBody(req: http.IncomingMessage): Promise<{ raw: string; tooLarge: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (tooLarge: boolean) => {
      if (done) return;
      done = true;
      resolve({ raw: tooLarge ? "" : Buffer.concat(chunks).toString("utf8"), tooLarge });
    };
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        chunks.length = 0;
        finish(true);
      } else if (!done) chunks.push(c);
    });
    req.on("end", () => finish(false));
    // An aborted upload still gets handled; the answer then goes nowhere.
    req.on("error", () => finish(size > MAX_REQUEST_BYTES));
  });
}

/** Read and parse a request. A body that is not JSON is kept as text, not rejected here. */
export async function readRequest(req: http.IncomingMessage): Promise<DeviceRequest> {
  const url = new URL(req.url ?? "/", "http://device");
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  const { raw, tooLarge } = await readBody(req);
  let body: unknown;
  let bodyIsJson = false;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw);
      bodyIsJson = true;
    } catch {
      body = undefined;
    }
  }
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path,
    query: Object.fromEntries(url.searchParams),
    authorization: req.headers.authorization,
    raw,
    body,
    bodyIsJson,
    tooLarge,
  };
}

export function send(res: http.ServerResponse, r: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const body = Buffer.from(r.body, "utf8");
  res.writeHead(r.status, {
    "Content-Type": r.contentType ?? "application/json",
    "Content-Length": String(body.length),
    ...r.headers,
  });
  res.end(body);
}
