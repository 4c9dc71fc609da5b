/**
 * Issue 13, items 1 to 4 through the real CLI: one fleet, one `pulumi up`, each resource against a
 * hostile panel on 127.0.0.1 (an endless answer, a redirect to another server, a body echoing every
 * secret, a 200 carrying an error envelope) and one well-behaved panel. The provider process
 * survives, each hostile panel fails alone and is named, the good one applies, nothing unapplied
 * reaches state, and no secret appears anywhere in the engine's output or the stack's state.
 */
import * as pulumi from "@pulumi/pulumi";
import { SipAccount } from "../../provider";
import { ADMIN_HASH, ADMIN_PASSWORD, MAIN, type Panel, SIP_PASSWORD, sendJson, startPanel, TOKEN } from "../hostile/panel";
import { failureOf, newStack, TestStack } from "./harness";

jest.setTimeout(240_000);

const panels: Record<string, Panel> = {};
let other: Panel;
let endlessClosed = false;
let ts: TestStack;

beforeAll(async () => {
  other = await startPanel();
  panels.endless = await startPanel((req, res) => {
    if (req.method !== "GET" || !req.url.startsWith(MAIN)) return false;
    res.writeHead(200, { "Content-Type": "application/json" });
    const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024, 0x61)), 1);
    res.on("close", () => {
      endlessClosed = true;
      clearInterval(timer);
    });
    return true;
  });
  panels.redirect = await startPanel((req, res) => {
    if (req.method !== "POST") return false;
    res.writeHead(307, { Location: `${other.url}${MAIN}?password=${ADMIN_HASH}` });
    res.end();
    return true;
  });
  panels.echo = await startPanel((req, res) => {
    if (req.method !== "POST") return false;
    res.writeHead(400, { "Content-Type": "text/plain" });
    res.end(`rejected ${req.body} from ${req.headers.authorization} ${ADMIN_HASH.toUpperCase()}`);
    return true;
  });
  panels.envelope = await startPanel((req, res) => {
    if (req.method !== "POST") return false;
    sendJson(res, 200, { error: { code: "not_valid", message: "Data validation error", data: { password: `not stored: ${JSON.parse(req.body).password}` } } });
    return true;
  });
  panels.good = await startPanel();

  const program = async () => {
    const cfg = new pulumi.Config();
    for (const [name, p] of Object.entries(panels)) {
      new SipAccount(name, {
        device: { endpoint: p.url, password: cfg.requireSecret("adminPassword"), retries: 1, timeoutMs: 20_000 },
        proxy: "sip:pbx.example.com",
        realm: "pbx.example.com",
        user: "1001",
        password: cfg.requireSecret("sip"),
        stun: { ip: "stun.example.com", port: 3478 },
      });
    }
  };
  ts = await newStack("hostile", program, { adminPassword: { value: ADMIN_PASSWORD, secret: true }, sip: { value: SIP_PASSWORD, secret: true } });
});

afterAll(async () => {
  ts?.dispose();
  await Promise.all([other, ...Object.values(panels)].filter(Boolean).map((p) => p.close()));
});

test("one up against four hostile panels and a good one: each fails alone and named, no secret anywhere", async () => {
  const text = await failureOf(ts.stack.up({ continueOnError: true }));

  // 1. The endless answer is cut at the limit, not retried, and the provider lives on.
  expect(text).toMatch(new RegExp(`create \\(adopt\\) SIP account: BAS-IP device ${panels.endless.url}: read SIP account failed .*more than the 1048576 bytes allowed`));
  expect(endlessClosed).toBe(true);
  expect(panels.endless.requests.filter((r) => r.method === "GET" && r.url.startsWith(MAIN))).toHaveLength(1);

  // 2. The redirect is named with its Location redacted, and the other server saw nothing.
  expect(text).toContain(`HTTP 307: redirect refused (Location ${other.url}${MAIN}?password=[REDACTED])`);
  expect(other.requests).toHaveLength(0);

  // 3. The echoing panel's text is in the message, scrubbed.
  expect(text).toMatch(new RegExp(`BAS-IP device ${panels.echo.url}: write SIP account failed .*HTTP 400: rejected .*\\[REDACTED\\]`));

  // 4. A 200 with an error envelope fails the write; no read-back ran.
  expect(text).toMatch(new RegExp(`BAS-IP device ${panels.envelope.url}: write SIP account failed \\(POST ${MAIN}\\): HTTP 200 not_valid: Data validation error; parameter password`));
  // (The one unauthenticated GET /api/info for deviceInfo is not part of the account's sequence.)
  expect(panels.envelope.requests.filter((r) => !r.url.startsWith("/api/info")).map((r) => r.method)).toEqual(["GET", "GET", "POST"]);

  // The good panel applied; the hostile ones are not in state.
  expect(panels.good.account).toMatchObject({ user: "1001", password: SIP_PASSWORD });
  const exported = ts.cli(["stack", "export"]);
  const names = JSON.parse(exported)
    .deployment.resources.filter((r: { type: string }) => r.type.includes("basip:"))
    .map((r: { urn: string }) => r.urn.split("::").pop());
  expect(names).toEqual(["good"]);

  for (const secret of [ADMIN_PASSWORD, ADMIN_HASH, SIP_PASSWORD, TOKEN]) {
    expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(exported.toLowerCase()).not.toContain(secret.toLowerCase());
  }
});
