/**
 * The review report of basip-fleet, built from engine events recorded with the real CLI against the
 * emulator (fixtures/fleet-events.json; fixtures/record-fleet-events.js re-records them): adoptions,
 * changed fields old -> new, a password-only rotation, drift from refresh, a device down, totals,
 * the Markdown a reviewer reads, and no secret anywhere.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { buildFleetReport, buildSiteReport, fieldChanges, renderMarkdown } from "../../fleet";

const recorded = require("./fixtures/fleet-events.json") as Record<"previewCreate" | "upCreate" | "previewChange" | "refreshDown" | "upDown", EngineEvent[]>;
const SECRETS = ["123456", "s3cret-site-a", "s3cret-second-a", "rotated-second-a"];

const entry = (r: ReturnType<typeof buildSiteReport>, device: string, resource: string, phase = r.entries[0]?.phase) =>
  r.entries.find((e) => e.device === device && e.resource === resource && e.phase === phase);

test("a preview from empty: every account is an adoption listing what it sets, secrets only as set", () => {
  const r = buildSiteReport("a", "preview", { preview: recorded.previewCreate });
  expect(r.status).toBe("succeeded");
  expect(r.totals).toEqual({ adopt: 4, update: 0, replace: 0, remove: 0, drift: 0, unchanged: 0, failed: 0 });
  expect(r.entries.map((e) => `${e.device}/${e.resource}/${e.action}/${e.status}`)).toEqual([
    "dev-0/SecondSipAccount/adopt/planned",
    "dev-0/SipAccount/adopt/planned",
    "dev-1/SipAccount/adopt/planned",
    "dev-2/SipAccount/adopt/planned",
  ]);
  const dev2 = entry(r, "dev-2", "SipAccount")!;
  expect(dev2.changes).toContainEqual({ field: "registrationInterval", new: 300 });
  expect(dev2.changes).toContainEqual({ field: "stun.port", new: 3478 });
  expect(dev2.changes).toContainEqual({ field: "device.retries", new: 0 });
  expect(dev2.changes).toContainEqual({ field: "password", secret: true });
  expect(dev2.changes).toContainEqual({ field: "devicePassword", secret: true });
  expect(dev2.changes.map((c) => c.field)).not.toContain("__provider");
});

test("an up from empty: the same adoptions, done", () => {
  const r = buildSiteReport("a", "up", { update: recorded.upCreate });
  expect(r.totals.adopt).toBe(4);
  expect(r.entries.every((e) => e.status === "done")).toBe(true);
});

test("a change: each field old -> new; a password-only rotation is an update with no visible field", () => {
  const r = buildSiteReport("a", "preview", { preview: recorded.previewChange });
  expect(r.totals).toMatchObject({ update: 4, unchanged: 0, failed: 0 });
  expect(entry(r, "dev-1", "SipAccount")!.changes).toEqual([{ field: "registrationInterval", old: 300, new: 600 }]);
  expect(entry(r, "dev-2", "SipAccount")!.changes).toEqual([
    { field: "registrationInterval", old: 300, new: 600 },
    { field: "transport", new: "tcp" },
  ]);
  // Recorded before the change counters (issue 12): both passwords read [secret], no field is shown.
  expect(entry(r, "dev-0", "SecondSipAccount")).toMatchObject({ action: "update", changes: [] });
  const md = renderMarkdown(buildFleetReport("preview", [r]));
  expect(md).toContain("- `dev-1` SipAccount: to update\n  - `registrationInterval`: `300` → `600`");
  expect(md).toContain("- `dev-2` SipAccount: to update\n  - `registrationInterval`: `300` → `600`\n  - `transport`: (unset) → `\"tcp\"`");
  expect(md).toContain("- `dev-0` SecondSipAccount: to update (no field shown: a secret input changed, e.g. a password rotation)");
});

test("a change marker in the inputs shows up without code for it; one named like a password only as changed", () => {
  const events = JSON.parse(JSON.stringify(recorded.previewChange)) as EngineEvent[];
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (m?.urn.endsWith("SecondSipAccount::dev-0")) {
      m.old!.inputs.passwordRevision = "r1";
      m.new!.inputs.passwordRevision = "r2";
      m.old!.inputs.reviewMarker = 1;
      m.new!.inputs.reviewMarker = 2;
    }
  }
  const r = buildSiteReport("a", "preview", { preview: events });
  expect(entry(r, "dev-0", "SecondSipAccount")!.changes).toEqual([
    { field: "passwordRevision", secret: true },
    { field: "reviewMarker", old: 1, new: 2 },
  ]);
  expect(renderMarkdown(buildFleetReport("preview", [r]))).toContain("  - `passwordRevision`: changed\n  - `reviewMarker`: `1` → `2`");
});

test("a password rotation reads from the provider's change counters: passwordVersion 1 → 2, no value", () => {
  const events = JSON.parse(JSON.stringify(recorded.previewChange)) as EngineEvent[];
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (m?.urn.endsWith("SecondSipAccount::dev-0")) {
      Object.assign(m.old!.inputs, { passwordVersion: 1, devicePasswordVersion: 1 });
      Object.assign(m.new!.inputs, { passwordVersion: 2, devicePasswordVersion: 1 });
    }
  }
  const r = buildSiteReport("a", "preview", { preview: events });
  expect(entry(r, "dev-0", "SecondSipAccount")!.changes).toEqual([{ field: "passwordVersion", old: 1, new: 2 }]);
  expect(renderMarkdown(buildFleetReport("preview", [r]))).toContain("- `dev-0` SecondSipAccount: to update\n  - `passwordVersion`: `1` → `2`");
  // A counter that arrives as a secret value is still withheld.
  expect(fieldChanges({ passwordVersion: 1 }, { passwordVersion: "[secret]" })).toEqual([{ field: "passwordVersion", secret: true }]);
});

test("up with a device down: the refresh's drift, the others applied, the down device listed with why", () => {
  const r = buildSiteReport("a", "up", { refresh: recorded.refreshDown, update: recorded.upDown });
  expect(r.status).toBe("failed");
  expect(r.totals).toEqual({ adopt: 0, update: 3, replace: 0, remove: 0, drift: 1, unchanged: 0, failed: 1 });
  expect(r.unreachable).toHaveLength(1);
  expect(r.unreachable[0]).toMatchObject({ device: "dev-2", resource: "SipAccount", phase: "refresh" });
  expect(r.unreachable[0].reason).toMatch(/^refresh SIP account: BAS-IP device http:\/\/127\.0\.0\.1:\d+: log in as admin failed .*ECONNREFUSED/);
  expect(entry(r, "dev-0", "SipAccount", "refresh")).toMatchObject({ action: "drift", status: "done", changes: [{ field: "proxy", old: "sip:pbx.example.com", new: "sip:drifted.example.com" }] });
  expect(entry(r, "dev-0", "SipAccount", "update")!.changes).toEqual([
    { field: "proxy", old: "sip:drifted.example.com", new: "sip:pbx.example.com" },
    { field: "registrationInterval", old: 300, new: 600 },
  ]);
  expect(entry(r, "dev-2", "SipAccount", "update")).toMatchObject({ status: "failed" });
  const md = renderMarkdown(buildFleetReport("up", [r]));
  expect(md).toContain("| a | **failed** | 0 | 3 | 0 | 0 | 1 | 0 | 1 |");
  expect(md).toMatch(/\*\*Devices that failed\*\* \(1\): the other devices went on\n\n- `dev-2` SipAccount \(refresh\): refresh SIP account: BAS-IP device/);
});

test("a locked site and a site whose program failed; fleet totals count the sites", () => {
  const locked = buildSiteReport("b", "up", {}, { locked: true });
  expect(locked).toMatchObject({ status: "locked", entries: [], unreachable: [] });
  expect(locked.error).toContain("stack b is locked by another update; the other sites went on");
  const broken = buildSiteReport("c", "preview", { preview: [{ sequence: 1, timestamp: 0, diagnosticEvent: { message: "secrets: device c-1: admin password: set one of ...\n", color: "never", severity: "error" } }] });
  expect(broken).toMatchObject({ status: "error", error: "secrets: device c-1: admin password: set one of ..." });
  const ok = buildSiteReport("a", "preview", { preview: recorded.previewChange });
  const fleet = buildFleetReport("up", [ok, locked, broken]);
  expect(fleet.totals).toMatchObject({ sites: 3, sitesFailed: 2, update: 4 });
  const md = renderMarkdown(fleet);
  expect(md.startsWith("## basip-fleet up: 3 sites, 2 not succeeded\n")).toBe(true);
  expect(md).toContain("### Site `b`: **locked**\n\n> stack b is locked");
});

test("no secret value in any report, and a long report is cut before GitHub's comment limit", () => {
  const r = buildSiteReport("a", "up", { refresh: recorded.refreshDown, update: recorded.upDown });
  const all = [renderMarkdown(buildFleetReport("up", [r])), JSON.stringify(buildFleetReport("up", [r]))].join("\n");
  for (const s of SECRETS) expect(all).not.toContain(s);
  expect(all).not.toContain("ciphertext");
  const many = Array.from({ length: 200 }, (_, i) => buildSiteReport(`site-${i}`, "preview", { preview: recorded.previewCreate }));
  const md = renderMarkdown(buildFleetReport("preview", many), 20_000);
  expect(md.length).toBeLessThan(20_000);
  expect(md).toMatch(/_Cut here: \d+ more site\(s\) in the JSON report\._/);
});

test("fieldChanges: nested paths, added and removed keys, secret envelopes", () => {
  const envelope = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[secret]" };
  expect(fieldChanges({ stun: { ip: "a", port: 1 }, gone: 1, same: "x", __provider: "old" }, { stun: { ip: "a", port: 2 }, added: true, same: "x", __provider: "new" })).toEqual([
    { field: "added", new: true },
    { field: "gone", old: 1 },
    { field: "stun.port", old: 1, new: 2 },
  ]);
  expect(fieldChanges({ token: "a" }, { token: "b" })).toEqual([{ field: "token", secret: true }]);
  expect(fieldChanges({ x: "plain" }, { x: envelope })).toEqual([{ field: "x", secret: true }]);
  expect(fieldChanges({ password: envelope }, { password: envelope })).toEqual([]);
});
