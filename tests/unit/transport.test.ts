/** The client's default transport against a plain local server: what the client relies on. */
import * as http from "http";
import type { AddressInfo } from "net";
import * as zlib from "zlib";
import { request } from "../../provider/client/transport";

let server: http.Server;
let base: string;
let seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, headers: req.headers, body });
      if (req.url === "/redirect") {
        res.writeHead(302, { Location: "http://127.0.0.1:1/elsewhere" });
        res.end();
      } else if (req.url === "/gzip") {
        res.writeHead(200, { "Content-Encoding": "gzip" });
        res.end(zlib.gzipSync('{"ok":true}'));
      } else if (req.url === "/cut") {
        res.writeHead(200, { "Content-Length": "100" });
        res.write('{"half":');
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (req.url === "/slow") {
        setTimeout(() => res.end("late"), 2000).unref();
      } else {
        res.writeHead(201, { "X-Device": "panel" });
        res.end("plain answer");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
});

test("sends method, headers and a body with its Content-Length (no chunked encoding); answers status, headers, text", async () => {
  const agent = new http.Agent({ keepAlive: true });
  const res = await request(`${base}/x`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"user":"1001é"}', agent });
  expect(res.status).toBe(201);
  expect(res.headers.get("x-device")).toBe("panel");
  expect(res.headers.get("X-Missing")).toBeNull();
  expect(await res.text()).toBe("plain answer");
  expect(seen).toEqual([{ method: "POST", headers: expect.objectContaining({ "content-type": "application/json", "content-length": "17" }), body: '{"user":"1001é"}' }]);
  expect(seen[0].headers["transfer-encoding"]).toBeUndefined();
  agent.destroy();
});

test("a redirect is the answer, never followed", async () => {
  const res = await request(`${base}/redirect`);
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("http://127.0.0.1:1/elsewhere");
  expect(seen).toHaveLength(1);
});

test("a gzip answer is decoded, as a stream and as text", async () => {
  expect(await (await request(`${base}/gzip`)).text()).toBe('{"ok":true}');
  const chunks: Buffer[] = [];
  for await (const c of (await request(`${base}/gzip`)).body) chunks.push(c as Buffer);
  expect(Buffer.concat(chunks).toString()).toBe('{"ok":true}');
});

test("a connection cut in the middle of the body rejects; a refused connection rejects with its code", async () => {
  const res = await request(`${base}/cut`);
  await expect(res.text()).rejects.toThrow();
  await expect(request("http://127.0.0.1:1/")).rejects.toMatchObject({ code: "ECONNREFUSED" });
});

test("the signal aborts a request in flight", async () => {
  const controller = new AbortController();
  const pending = request(`${base}/slow`, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await expect(pending).rejects.toMatchObject({ name: "AbortError" });
});
