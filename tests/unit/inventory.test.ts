/**
 * The fleet inventory loader (fleet/inventory.ts): a good file parses into device specs; every kind of
 * problem names the file and line, the device and the field, and secrets are refused.
 */
import * as path from "path";
import { InventoryError, loadInventory, parseInventory } from "../../fleet/inventory";

const FILE = "inventory.yaml";

const GOOD = `
sites:
  north:
    defaults:
      sip:
        proxy: sip:pbx.example.com
        realm: pbx.example.com
        stun: {ip: stun.example.com, port: 3478}
        transport: udp
        registrationInterval: 300
      sip2:
        proxy: sip:pbx2.example.com
        realm: pbx2.example.com
    devices:
      - name: lobby-1
        endpoint: http://10.0.0.21
        user: "1001"
        accounts: both
      - name: lobby-2
        endpoint: http://10.0.0.22
        user: "1002"
        sip:
          registrationInterval: 120
  south:
    defaults:
      sip:
        proxy: 10.20.0.5
        realm: 10.20.0.5
        user: "2000"
        stun: {ip: 10.20.0.5, port: 3478}
    devices:
      - name: lobby-3
        endpoint: http://10.0.0.23
`;

/** `<file>:<line>` of the `nth` line of `text` that contains `needle` (1-based lines, as editors count). */
function at(text: string, needle: string, nth = 0): string {
  const lines = text.split("\n").flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  if (lines[nth] === undefined) throw new Error(`no line ${nth} with ${needle}`);
  return `${FILE}:${lines[nth]}`;
}

/** The problems of a file that must not load. */
function problemsOf(text: string): string[] {
  try {
    parseInventory(text, FILE);
  } catch (e) {
    if (e instanceof InventoryError) return e.problems;
    throw e;
  }
  throw new Error("expected the inventory to be rejected");
}

describe("a good inventory", () => {
  test("parses into one spec per device, site defaults merged with per-device overrides", () => {
    const specs = parseInventory(GOOD, FILE);
    expect(specs.map((d) => [d.name, d.site, d.endpoint])).toEqual([
      ["lobby-1", "north", "http://10.0.0.21"],
      ["lobby-2", "north", "http://10.0.0.22"],
      ["lobby-3", "south", "http://10.0.0.23"],
    ]);
    const [one, two] = specs;
    expect(one.main).toMatchObject({ proxy: "sip:pbx.example.com", user: "1001", stun: { ip: "stun.example.com", port: 3478 }, registrationInterval: 300 });
    expect(one.second).toMatchObject({ proxy: "sip:pbx2.example.com", realm: "pbx2.example.com", user: "1001" });
    expect(two.main).toMatchObject({ user: "1002", registrationInterval: 120, transport: "udp" });
    expect(two.second).toBeUndefined();
    // Flow-map defaults; user from the site defaults when the device names none.
    expect(specs[2].main).toMatchObject({ proxy: "10.20.0.5", user: "2000" });
    for (const d of specs) expect(JSON.stringify(d)).not.toMatch(/password/i);
  });

  test("the example's inventory.yaml loads", () => {
    const specs = loadInventory(path.join(__dirname, "../../examples/fleet/inventory.yaml"));
    expect(specs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(specs.map((d) => d.site)).size).toBe(2);
    expect(specs.some((d) => d.main && d.second)).toBe(true);
  });
});

describe("every problem names the file and line, the device and the field", () => {
  test("a bad YAML line: file and line, the device entry and the key", () => {
    const bad = GOOD.replace('        user: "1002"', '        user: "1002');
    expect(problemsOf(bad)).toEqual([`${at(bad, 'user: "1002')}: device lobby-2: user: unterminated double-quoted string`]);
  });

  test("bad indentation is a YAML error with its line and device entry", () => {
    const bad = GOOD.replace("        endpoint: http://10.0.0.22", "          endpoint: http://10.0.0.22");
    expect(problemsOf(bad)[0]).toMatch(new RegExp(`^${at(bad, "name: lobby-2")}: site north: devices\\[1\\]: Nested mappings are not allowed`));
  });

  test("every YAML problem at once: duplicate keys in two devices, each with its line", () => {
    const bad = GOOD.replace('        user: "1001"', '        user: "1001"\n        user: "1009"').replace("          registrationInterval: 120", "          registrationInterval: 120\n          registrationInterval: 60");
    expect(problemsOf(bad)).toEqual([
      `${at(bad, 'user: "1009"')}: device lobby-1: user: duplicate key "user"`,
      `${at(bad, "registrationInterval: 60")}: device lobby-2: sip.registrationInterval: duplicate key "registrationInterval"`,
    ]);
  });

  test("a tab in the indentation", () => {
    const bad = GOOD.replace("        endpoint: http://10.0.0.23", "\tendpoint: http://10.0.0.23");
    expect(problemsOf(bad)).toContainEqual(expect.stringMatching(new RegExp(`^${at(bad, "\tendpoint")}: device lobby-3: tab in indentation; use spaces$`)));
  });

  test("a missing endpoint: the line of the device entry", () => {
    const text = GOOD.replace("        endpoint: http://10.0.0.23\n", "");
    expect(problemsOf(text)).toEqual([`${at(text, "name: lobby-3")}: device lobby-3: endpoint: is required`]);
  });

  test("a bad endpoint, by the resources' own rule", () => {
    const text = GOOD.replace("http://10.0.0.23", "ftp://10.0.0.23");
    expect(problemsOf(text)).toEqual([
      `${at(text, "ftp://")}: device lobby-3: endpoint: must be an http:// or https:// URL without credentials, path, query or fragment (host and optional port only), got "ftp://10.0.0.23"`,
    ]);
  });

  test("a bad account field, by the resources' schema", () => {
    const text = GOOD.replace("registrationInterval: 120", "registrationInterval: 10");
    expect(problemsOf(text)).toEqual([`${at(text, "registrationInterval: 10")}: device lobby-2: sip.registrationInterval: must be a number from 30 to 900, got 10`]);
  });

  test("a bad site default is reported for each device that inherits it, at the default's line, saying so", () => {
    const text = GOOD.replace("transport: udp", "transport: sctp");
    expect(problemsOf(text)).toEqual([
      `${at(text, "sctp")}: device lobby-1: sip.transport: must be one of "udp", "tcp", "tls", got "sctp" (from the defaults of site north)`,
      `${at(text, "sctp")}: device lobby-2: sip.transport: must be one of "udp", "tcp", "tls", got "sctp" (from the defaults of site north)`,
    ]);
  });

  test("a bad top-level default names where it came from", () => {
    const text = `defaults:\n  device: {timeoutMs: 5}\n${GOOD}`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe(`${at(text, "timeoutMs: 5")}: device lobby-1: device.timeoutMs: must be an integer from 100 to 600000, got 5 (from the top-level defaults)`);
  });

  test("a second account without its required fields", () => {
    const text = GOOD.replace('        user: "1002"', '        user: "1002"\n        accounts: [main, second]').replace(/ {6}sip2:\n.*\n.*\n/, "");
    expect(problemsOf(text)).toEqual([
      `${at(text, "name: lobby-1")}: device lobby-1: sip2.proxy: is required`,
      `${at(text, "name: lobby-1")}: device lobby-1: sip2.realm: is required`,
      `${at(text, "name: lobby-2")}: device lobby-2: sip2.proxy: is required`,
      `${at(text, "name: lobby-2")}: device lobby-2: sip2.realm: is required`,
    ]);
  });

  test("a password field is refused, with where the secret goes instead; its value is never shown", () => {
    const text = GOOD.replace("          registrationInterval: 120", "          registrationInterval: 120\n          password: hunter22");
    const problems = problemsOf(text);
    expect(problems).toEqual([
      `${at(text, "hunter22")}: device lobby-2: sip.password: secrets must not be in the inventory file (it is not encrypted); set it with: pulumi config set --secret sip:lobby-2 <password>`,
    ]);
    expect(problems.join()).not.toContain("hunter22");
  });

  test("password fields anywhere: device connection, second account, site defaults", () => {
    const text = GOOD.replace('        user: "1001"', '        user: "1001"\n        device: {password: x}\n        sip2: {password: y}').replace(
      "        transport: udp",
      "        transport: udp\n        password: z",
    );
    const problems = problemsOf(text);
    expect(problems).toContain(`${at(text, "password: z")}: site north: defaults.sip.password: secrets must not be in the inventory file (it is not encrypted); set it with: pulumi config set --secret sipSite:north <password>`);
    expect(problems).toContain(`${at(text, "password: x")}: device lobby-1: device.password: secrets must not be in the inventory file (it is not encrypted); set the admin password with: pulumi config set --secret adminPassword <password>`);
    expect(problems).toContain(`${at(text, "password: y")}: device lobby-1: sip2.password: secrets must not be in the inventory file (it is not encrypted); set it with: pulumi config set --secret sip2:lobby-1 <password>`);
  });

  test("a duplicate device name, across sites", () => {
    const text = GOOD.replace("name: lobby-3", "name: lobby-1");
    expect(problemsOf(text)).toEqual([`${at(text, "name: lobby-1", 1)}: device lobby-1: name: duplicate device name (also in site north); resource names must be unique in a stack`]);
  });

  test("two device names that make the same environment variable name", () => {
    const text = GOOD.replace("name: lobby-3", "name: lobby_2");
    expect(problemsOf(text)).toEqual([
      `${at(text, "name: lobby_2")}: device lobby_2: name: reads the same environment variables as device lobby-2 (BASIP_..._DEVICE_LOBBY_2); rename one`,
    ]);
  });

  test("unknown fields, a numeric user, bad accounts, a clashing endpoint, a bad name", () => {
    const text = GOOD.replace("registrationInterval: 120", "registrationIntervall: 120")
      .replace('user: "1001"', "user: 1001")
      .replace("accounts: both", "accounts: [main, third]")
      .replace("http://10.0.0.23", "http://10.0.0.22/")
      .replace("name: lobby-3", "name: lobby 3");
    const problems = problemsOf(text);
    expect(problems).toContain(`${at(text, "third")}: device lobby-1: accounts: must be main, second, both, or a list of main and second, got ["main","third"]`);
    expect(problems).toContain(`${at(text, "Intervall")}: device lobby-2: sip.registrationIntervall: unknown field; expected one of proxy, realm, user, stun, registrationInterval, h264, transport, enabled, waitForRegistration`);
    expect(problems).toContain(`${at(text, "lobby 3")}: site south: devices[0]: name: must be 1 to 63 letters, digits, '.', '_' or '-' (it names the resources and config keys), got "lobby 3"`);
    const fixed = text.replace("name: lobby 3", "name: lobby-3").replace("accounts: [main, third]", "accounts: both");
    const fixedName = problemsOf(fixed);
    expect(fixedName).toContain(`${at(fixed, "user: 1001")}: device lobby-1: user: must be a string; quote numbers: user: "1001"`);
    expect(fixedName).toContain(`${at(fixed, "10.0.0.22/")}: device lobby-3: endpoint: same device as lobby-2 (site north, ${at(fixed, "http://10.0.0.22")}); one device, one entry`);
  });

  test.each([
    ["two sites", "http://10.0.0.23", "http://10.0.0.22:80", "lobby-3"],
    ["one site", "http://10.0.0.22", "http://10.0.0.21:80/", "lobby-2"],
  ])("the default port does not make another device: %s", (_where, from, to, second) => {
    const text = GOOD.replace(from, to);
    const first = second === "lobby-3" ? "lobby-2" : "lobby-1";
    const firstAt = at(text, second === "lobby-3" ? "http://10.0.0.22" : "http://10.0.0.21");
    expect(problemsOf(text)).toEqual([`${at(text, to)}: device ${second}: endpoint: same device as ${first} (site north, ${firstAt}); one device, one entry`]);
  });

  test("https and its default port are one device; another port is another device", () => {
    const text = GOOD.replace("http://10.0.0.22", "https://panel.example").replace("http://10.0.0.23", "https://Panel.Example:443");
    expect(problemsOf(text)).toEqual([`${at(text, "Panel.Example:443")}: device lobby-3: endpoint: same device as lobby-2 (site north, ${at(text, "https://panel.example")}); one device, one entry`]);
    expect(parseInventory(GOOD.replace("http://10.0.0.23", "http://10.0.0.22:8080"), FILE)).toHaveLength(3);
  });

  test("the document's shape: maps, lists and names where they belong, each at its line", () => {
    const text = [
      "defaults: 5",
      "sites:",
      "  north:",
      "    defaults: [a]",
      "    devices:",
      "      - just-a-string",
      "      - {endpoint: http://10.0.0.9}",
      "      - name: ok-1",
      "        endpoint: http://10.0.0.10",
      "        sip: text",
      "        device: {token: t, colour: red}",
      "        extra: 1",
      "  south: 7",
      "  east:",
      "    devices: {}",
      "  bad name:",
      "    devices: []",
      "",
    ].join("\n");
    const valid = "endpoint, username, insecureSkipVerify, caCertificate, tlsFingerprint, timeoutMs, retries, mainAccountPath, secondAccountPath";
    expect(problemsOf(text)).toEqual([
      `${FILE}:1: top level: defaults: must be a map`,
      `${FILE}:4: site north: defaults: must be a map`,
      `${FILE}:6: site north: devices[0]: must be a map with name and endpoint, got "just-a-string"`,
      `${FILE}:7: site north: devices[1]: name: is required`,
      `${FILE}:12: device ok-1: extra: unknown field; expected one of name, endpoint, user, sip, sip2, device, accounts`,
      `${FILE}:10: device ok-1: sip: must be a map of fields, got "text"`,
      `${FILE}:11: device ok-1: device.token: secrets must not be in the inventory file (it is not encrypted); set the admin password with: pulumi config set --secret adminPassword <password>`,
      `${FILE}:11: device ok-1: device.colour: unknown field; expected one of ${valid.replace("endpoint, ", "")}`,
      `${FILE}:13: site south: devices: is required: the site must be a map with a devices list`,
      `${FILE}:15: site east: devices: is required: a list of devices`,
      `${FILE}:16: site bad name: name: site names are 1 to 63 letters, digits, '.', '_' or '-'`,
      // Then the rules across fields and devices, for the devices that have a name.
      ...["proxy", "realm", "user", "stun"].map((f) => `${FILE}:8: device ok-1: sip.${f}: is required`),
      ...["token", "colour"].map((f) => `${FILE}:11: device ok-1: device.${f}: is not a field of \`device\`; valid names: ${valid}, password`),
    ]);
  });

  test("an unreadable file is named", () => {
    expect(() => loadInventory("/nonexistent/inventory.yaml")).toThrow(/^\/nonexistent\/inventory.yaml: cannot read the inventory/);
  });

  test("a file without sites", () => {
    expect(problemsOf("devices: []\n")).toEqual([
      `${FILE}:1: top level: devices: unknown field; expected one of sites, defaults`,
      `${FILE}:1: top level: sites: is required: a map of site name to {defaults, devices}`,
    ]);
  });

  test("a file that is not a map, and an alias to no anchor", () => {
    expect(problemsOf("just text\n")).toEqual([`${FILE}: the file must be a map with a "sites" key (see docs/fleet.md, "Inventory format")`]);
    expect(problemsOf("sites: *nowhere\n")[0]).toMatch(new RegExp(`^${FILE}:.*nowhere`));
  });
});

describe("full YAML", () => {
  test("anchors and merge keys share settings between sites", () => {
    const text = [
      "x-pbx: &pbx",
      "  proxy: sip:pbx.example.com",
      "  realm: pbx.example.com",
      "  stun: {ip: stun.example.com, port: 3478}",
      "sites:",
      "  a:",
      "    defaults:",
      "      sip:",
      "        <<: *pbx",
      "        transport: tcp",
      "    devices:",
      "      - {name: a-1, endpoint: 'http://10.0.0.1', user: '1'}",
    ].join("\n");
    // `x-` keys are not part of the format: refused, so a typo of `sites` cannot pass as an anchor holder.
    expect(problemsOf(text)).toEqual([`${FILE}:1: top level: x-pbx: unknown field; expected one of sites, defaults`]);
    const [spec] = parseInventory(text.replace("x-pbx: &pbx", "defaults:\n  sip: &pbx").replace(/^ {2}(proxy|realm|stun)/gm, "    $1"), FILE);
    expect(spec.main).toMatchObject({ proxy: "sip:pbx.example.com", realm: "pbx.example.com", transport: "tcp", user: "1" });
  });
});
