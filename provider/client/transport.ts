/**
 * The client's default transport: one request on Node's own `http`/`https`, shaped like the part of
 * `fetch` the client uses. A fleet `up` makes four requests per device, all in one provider process;
 * node-fetch's Request/Headers/Body layers cost about as much CPU as the HTTP work itself (profiled at
 * 400 devices, see README, Large fleets), so the provider speaks to the agent directly.
 *
 * Behaves as the client relies on: a body is sent with its Content-Length (embedded servers may not
 * take chunked bodies); redirects are never followed (the 3xx is the answer); gzip, deflate and br
 * answers are decoded; `signal` aborts the request; a socket error before or during the answer
 * rejects with the socket's error (its `code` kept).
 */
import * as http from "http";
import * as https from "https";
import type { Readable } from "stream";
import * as zlib from "zlib";

/** What {@link request} takes: the subset of a fetch init the client sends. */
export interface TransportInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly agent?: http.Agent;
  readonly signal?: AbortSignal;
}

/** An answer: status, headers by lower-case name, and the (decoded) body as a stream or as text. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: Readable;
  text(): Promise<string>;
}

function decoded(res: http.IncomingMessage): Readable {
  const encoding = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
  const decoder = encoding === "gzip" || encoding === "x-gzip" ? zlib.createGunzip() : encoding === "deflate" ? zlib.createInflate() : encoding === "br" ? zlib.createBrotliDecompress() : undefined;
  if (decoder === undefined) return res;
  res.on("error", (e) => decoder.destroy(e));
  return res.pipe(decoder);
}

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** One HTTP request; resolves when the answer's head has arrived. */
export function request(url: string, init: TransportInit = {}): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(init.body));
    const options = { method: init.method ?? "GET", headers, agent: init.agent, signal: init.signal };
    const req = url.startsWith("https:") ? https.request(url, options) : http.request(url, options);
    req.on("error", reject);
    req.on("response", (res) => {
      const body = decoded(res);
      resolve({
        status: res.statusCode ?? 0,
        headers: {
          get: (name) => {
            const v = res.headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
          },
        },
        body,
        text: () => readAll(body),
      });
    });
    req.end(init.body);
  });
}
