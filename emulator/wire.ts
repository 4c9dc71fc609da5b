/** HTTP in and out: the parsed request handlers see, and the reply they return. */
import type * as http from "http";

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

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    // An aborted upload still gets handled; the answer then goes nowhere.
    req.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

/** Read and parse a request. A body that is not JSON is kept as text, not rejected here. */
export async function readRequest(req: http.IncomingMessage): Promise<DeviceRequest> {
  const url = new URL(req.url ?? "/", "http://device");
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  const raw = await readBody(req);
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
