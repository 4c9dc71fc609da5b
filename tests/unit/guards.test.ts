/**
 * The program-side guards (provider/resources/guards.ts, duplicates.ts), the provider process's ledger of written
 * accounts (run-ledger.ts) and the host-console filter (host-console.ts), without an engine; the
 * e2e file tests/e2e/options.test.ts drives them through the real CLI.
 */
import * as pulumi from "@pulumi/pulumi";
import { claim, Claims, DUPLICATE_INPUT, duplicateFailure } from "../../provider/resources/duplicates";
import { deviceKey } from "../../provider/schema/device";
import { refuseImport } from "../../provider/resources/guards";
import { recordWrite, wasWritten } from "../../provider/resources/run-ledger";

describe("claim", () => {
  it("lets the first resource have an account and names both on the second", () => {
    const claims: Claims = new Map();
    expect(claim(claims, "http://10.0.0.21#sip-account", 'SipAccount "lobby"')).toBeUndefined();
    expect(claim(claims, "http://10.0.0.21#second-sip-account", 'SecondSipAccount "lobby"')).toBeUndefined();
    expect(claim(claims, "http://10.0.0.21#sip-account", 'SipAccount "lobby-2"')).toBe(
      'SipAccount "lobby-2" and SipAccount "lobby" both manage http://10.0.0.21#sip-account: one device account must be managed by exactly one resource, ' +
        "otherwise each up overwrites the other's values. Remove one of them, or point it at another device's endpoint",
    );
  });

  it.each([
    ["http://10.0.0.21", "http://10.0.0.21/"],
    ["http://Panel.local", "http://panel.local"],
    ["http://panel.local:80", "HTTP://panel.local"],
    ["http://10.0.0.5", "http://10.0.0.5:80"],
    ["https://panel.local:443/", "https://panel.local"],
  ])("one device however its endpoint is spelled: %s and %s", (a, b) => {
    expect(deviceKey(a)).toBe(deviceKey(b));
  });

  it("keeps devices apart by port and scheme", () => {
    expect(deviceKey("http://panel:8080")).not.toBe(deviceKey("http://panel:8081"));
    expect(deviceKey("http://panel")).not.toBe(deviceKey("https://panel"));
  });

  it("a problem in the inputs becomes check's failure on device.endpoint; none otherwise", () => {
    const problem = 'SipAccount "b" and SipAccount "a" both manage http://x#sip-account: ...';
    expect(duplicateFailure({ [DUPLICATE_INPUT]: problem })).toEqual({ property: "device.endpoint", reason: problem });
    expect(duplicateFailure({})).toBeUndefined();
    // The engine's unknown sentinel during preview is no problem.
    expect(duplicateFailure({ [DUPLICATE_INPUT]: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" })).toBeUndefined();
  });
});

describe("refuseImport", () => {
  it.each(["import", "id"] as const)("refuses the %s option with the reason", (option) => {
    const act = () => refuseImport('SipAccount "lobby"', { [option]: "http://10.0.0.21#sip-account" });
    expect(act).toThrow(pulumi.ResourceError);
    expect(act).toThrow(
      `SipAccount "lobby": the ${option} resource option is not supported: dynamic resources cannot be imported or read by id, and need not be: ` +
        `creating the resource adopts the account the device already has. Remove the ${option} option, declare the values you want, and run pulumi up (see docs/reference/lifecycle.md, Import)`,
    );
  });

  it("lets every other option through", () => {
    expect(() => refuseImport('SipAccount "lobby"', undefined)).not.toThrow();
    expect(() => refuseImport('SipAccount "lobby"', { protect: true, retainOnDelete: true, ignoreChanges: ["user"] })).not.toThrow();
  });
});

describe("run ledger", () => {
  it("refuses a second write of one account and remembers what was written", () => {
    expect(wasWritten("http://10.9.9.1#sip-account")).toBe(false);
    expect(recordWrite("http://10.9.9.1#sip-account")).toBe(true);
    expect(recordWrite("http://10.9.9.1#second-sip-account")).toBe(true);
    expect(recordWrite("http://10.9.9.1#sip-account")).toBe(false);
    expect(wasWritten("http://10.9.9.1#sip-account")).toBe(true);
  });
});

describe("host console filter", () => {
  it("drops exactly the host's line for an error the runtime threw, once; everything else passes", async () => {
    const printed: unknown[][] = [];
    const saved = console.error;
    console.error = (...args: unknown[]) => void printed.push(args);
    try {
      const { quietly, hostLineOf } = require("../../provider/resources/host-console") as typeof import("../../provider/resources/host-console");
      const thrown = new Error("refresh SIP account: BAS-IP device http://10.0.0.21: down");
      await expect(quietly(async () => Promise.reject(thrown))).rejects.toBe(thrown);
      // What cmd/dynamic-provider/index.js does in its catch blocks.
      console.error(`${thrown}: ${thrown.stack}`);
      console.error(hostLineOf(thrown)); // a second copy is not ours to drop
      console.error("something else", thrown);
      const other = new Error("not from the runtime");
      console.error(`${other}: ${other.stack}`);
      expect(printed).toEqual([[hostLineOf(thrown)], ["something else", thrown], [`${other}: ${other.stack}`]]);
    } finally {
      console.error = saved;
    }
  });
});
