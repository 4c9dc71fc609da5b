/**
 * Registration in basip-fleet's report and summary: each main account's status after a refresh or
 * an up, the panels not registered listed per site, and a changed registration never counted as
 * drift (it is an output the provider computes, not a setting). Synthetic engine events in the
 * shape the engine sends (see fixtures/fleet-events.json for recorded ones).
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { buildFleetReport, buildSiteReport, renderMarkdown } from "../../fleet";
import { summary } from "../../fleet/run";

const TYPE = "pulumi-nodejs:dynamic/basip:SipAccount";
const urn = (device: string) => `urn:pulumi:a::basip-fleet::${TYPE}::${device}`;
const settings = { device: { endpoint: "http://10.0.0.21" }, proxy: "sip:pbx.example.com", user: "1001" };

let seq = 0;
/** A step's pre and outputs events, with old and new state. */
function step(op: string, device: string, old: Record<string, unknown>, now: Record<string, unknown>): EngineEvent[] {
  const state = (o: Record<string, unknown>) => {
    const { registration: _r, ...inputs } = o;
    return { type: TYPE, urn: urn(device), id: `${device}#sip-account`, parent: "", inputs, outputs: o, provider: "" };
  };
  const metadata = { op, urn: urn(device), type: TYPE, old: state(old), new: state(now), provider: "" };
  return [
    { sequence: seq++, timestamp: 0, resourcePreEvent: { metadata } },
    { sequence: seq++, timestamp: 0, resOutputsEvent: { metadata } },
  ] as unknown as EngineEvent[];
}

const reg = (status: string, lastAttempt: string | null) => ({ registration: { status, lastAttempt } });

test("a refresh that only sees a new registration is no drift; the report lists the panels not registered", () => {
  const refresh = [
    ...step("update", "a-1", { ...settings, ...reg("OK", "2026-12-01T09:00:00.000Z") }, { ...settings, ...reg("ERROR", "2026-12-01T09:05:00.000Z") }),
    ...step("same", "a-2", { ...settings, ...reg("OK", "2026-12-01T09:00:00.000Z") }, { ...settings, ...reg("OK", "2026-12-01T09:00:00.000Z") }),
    ...step("update", "a-3", { ...settings, ...reg("OK", null) }, { ...settings, user: "drifted", ...reg("OFFLINE", null) }),
  ];
  const r = buildSiteReport("a", "refresh", { refresh });
  expect(r.totals).toMatchObject({ drift: 1, unchanged: 2 });
  expect(r.entries.map((e) => [e.device, e.action, e.changes.map((c) => c.field)])).toEqual([["a-3", "drift", ["user"]]]);
  expect(r.registration).toEqual([
    { device: "a-1", status: "ERROR", lastAttempt: "2026-12-01T09:05:00.000Z" },
    { device: "a-2", status: "OK", lastAttempt: "2026-12-01T09:00:00.000Z" },
    { device: "a-3", status: "OFFLINE", lastAttempt: null },
  ]);
  const md = renderMarkdown(buildFleetReport("refresh", [r]));
  expect(md).toContain("SIP registration: 1 OK, 2 not registered.");
  expect(md).toContain("**Not registered** (2): the device's SIP registration status after this run\n\n- `a-1` SipAccount: ERROR, last attempt 2026-12-01T09:05:00.000Z\n- `a-3` SipAccount: OFFLINE, never attempted\n");
  expect(summary(buildFleetReport("refresh", [r]))).toContain("  a-1: SIP registration ERROR, last attempt 2026-12-01T09:05:00.000Z\n  a-3: SIP registration OFFLINE, last attempt never\n");
});

test("in an up the write's registration replaces the refresh's; a preview reports none", () => {
  const refresh = step("update", "a-1", { ...settings, ...reg("OK", "t0") }, { ...settings, ...reg("ERROR", "t1") });
  const update = step("update", "a-1", { ...settings, ...reg("ERROR", "t1") }, { ...settings, user: "1002", ...reg("OK", "t2") });
  const r = buildSiteReport("a", "up", { refresh, update });
  expect(r.registration).toEqual([{ device: "a-1", status: "OK", lastAttempt: "t2" }]);
  expect(renderMarkdown(buildFleetReport("up", [r]))).not.toContain("Not registered");
  expect(buildSiteReport("a", "preview", { preview: update }).registration).toEqual([]);
});
