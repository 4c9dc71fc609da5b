/**
 * The plain-HTTP warning of a run (provider/resources/warnings.ts): each http:// device named once,
 * the first PLAIN_HTTP_NAMED of them, then one line saying there are more, then nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { PLAIN_HTTP_MORE, PLAIN_HTTP_NAMED, plainHttpWarning, warnPlainHttp } from "../../provider/resources/warnings";

test("names the first devices once each, then says once that there are more", () => {
  const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
  try {
    const endpoints = Array.from({ length: PLAIN_HTTP_NAMED + 5 }, (_, i) => `http://10.0.0.${i + 1}`);
    for (const endpoint of endpoints) {
      warnPlainHttp({ endpoint, password: "123456" });
      // The same device again, spelled with its default port: not a new device.
      warnPlainHttp({ endpoint: `${endpoint}:80`, password: "123456" });
      warnPlainHttp({ endpoint: endpoint.replace("http:", "https:"), password: "123456" });
    }
    const messages = warn.mock.calls.map((c) => c[0]);
    expect(messages).toEqual([...endpoints.slice(0, PLAIN_HTTP_NAMED).map(plainHttpWarning), PLAIN_HTTP_MORE]);
    expect(PLAIN_HTTP_NAMED).toBe(10);
  } finally {
    warn.mockRestore();
  }
});
