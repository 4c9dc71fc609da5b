/**
 * Backend URL redaction and the reachability check (pulumi-basip/backend), against real sockets on
 * ephemeral ports. The e2e team test runs them against a real PostgreSQL server.
 */
import * as net from "net";
import { backendKind, checkBackend, postgresAddress, redactText, redactUrl } from "../../backend";

test("backendKind by scheme", () => {
  expect(backendKind("postgres://u:p@h/db")).toBe("postgres");
  expect(backendKind("postgresql://h/db")).toBe("postgres");
  expect(backendKind("file:///srv/state")).toBe("file");
  expect(backendKind("s3://bucket/prefix")).toBe("cloud");
  expect(backendKind("https://api.pulumi.com")).toBe("service");
});

describe("redactUrl", () => {
  test.each([
    ["postgres://pulumi:topsecret@db.example:5432/state?sslmode=require", "postgres://pulumi:[REDACTED]@db.example:5432/state?sslmode=require"],
    ["postgres://pulumi:p%40ss%2Fw@db/state", "postgres://pulumi:[REDACTED]@db/state"],
    ["postgres://db/state?user=pulumi&password=topsecret&sslmode=disable", "postgres://db/state?user=pulumi&password=[REDACTED]&sslmode=disable"],
    ["postgres://pulumi@db/state", "postgres://pulumi@db/state"],
    ["s3://bucket/prefix?region=eu-west-1", "s3://bucket/prefix?region=eu-west-1"],
  ])("%s", (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  test("an unparseable URL still loses its credentials", () => {
    expect(redactUrl("postgres://pulumi:top secret@db:port/x?password=abc")).toBe("postgres://[REDACTED]@db:port/x?password=[REDACTED]");
  });
});

describe("redactText", () => {
  test("the CLI's own error, which repeats the URL with its password", () => {
    const url = "postgres://pulumi:topsecret@127.0.0.1:1/fleet?sslmode=disable";
    const cli = `error: unable to open bucket ${url}: failed to ping PostgreSQL: dial tcp 127.0.0.1:1: connect: connection refused`;
    expect(redactText(cli, url)).toBe(
      "error: unable to open bucket postgres://pulumi:[REDACTED]@127.0.0.1:1/fleet?sslmode=disable: failed to ping PostgreSQL: dial tcp 127.0.0.1:1: connect: connection refused",
    );
  });

  test("the password elsewhere, encoded or not", () => {
    const url = "postgres://pulumi:p%40ss-word@db/state?sslmode=disable";
    expect(redactText("login p@ss-word / p%40ss-word failed", url)).toBe("login [REDACTED] / [REDACTED] failed");
  });

  test("a URL without credentials changes nothing", () => {
    expect(redactText("x postgres://db/state y", "postgres://db/state")).toBe("x postgres://db/state y");
  });
});

test("postgresAddress: host and port from the URL, else libpq's environment, else its defaults", () => {
  expect(postgresAddress("postgres://u:p@db.example:6543/x", {})).toEqual({ host: "db.example", port: 6543 });
  expect(postgresAddress("postgres://u:p@db.example/x", {})).toEqual({ host: "db.example", port: 5432 });
  expect(postgresAddress("postgres://", { PGHOST: "pg.internal", PGPORT: "7000" })).toEqual({ host: "pg.internal", port: 7000 });
  expect(postgresAddress("postgres://", {})).toEqual({ host: "localhost", port: 5432 });
});

describe("checkBackend", () => {
  const listen = () =>
    new Promise<net.Server>((resolve) => {
      const s = net.createServer((socket) => socket.destroy()).listen(0, "127.0.0.1", () => resolve(s));
    });
  const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

  test("a listening server is reachable", async () => {
    const s = await listen();
    try {
      expect(await checkBackend(`postgres://pulumi:pw@127.0.0.1:${portOf(s)}/state`)).toEqual({ ok: true });
    } finally {
      s.close();
    }
  });

  test("a closed port fails with the redacted URL and the reason", async () => {
    const s = await listen();
    const port = portOf(s);
    await new Promise((r) => s.close(r));
    expect(await checkBackend(`postgres://pulumi:pw-123@127.0.0.1:${port}/state?sslmode=disable`)).toEqual({
      ok: false,
      message: `state backend postgres://pulumi:[REDACTED]@127.0.0.1:${port}/state?sslmode=disable cannot be reached: ECONNREFUSED connecting to 127.0.0.1:${port}`,
    });
  });

  test("an invalid postgres URL fails without echoing it raw", async () => {
    const res = await checkBackend("postgres://pulumi:pw-123@db:notaport/state");
    expect(res).toEqual({ ok: false, message: "state backend postgres://[REDACTED]@db:notaport/state: not a valid URL" });
  });

  test("other kinds are left to the CLI", async () => {
    expect(await checkBackend("s3://bucket")).toEqual({ ok: true });
    expect(await checkBackend("file:///nonexistent")).toEqual({ ok: true });
  });
});
