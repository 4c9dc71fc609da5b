/**
 * The fleet inventory loader (examples/fleet): a good file parses into device specs; every kind of
 * problem names the file, the device and the field, and secrets are refused.
 */
import * as fs from "fs";
import * as path from "path";
import { InventoryError, loadInventory, parseInventory } from "../../examples/fleet/inventory";
import { parseYaml, YamlError } from "../../examples/fleet/yaml";

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

describe("every problem names the file, the device and the field", () => {
  test("a bad YAML line: file and line, the device entry and the key", () => {
    const bad = GOOD.replace('        user: "1002"', '        user: "1002');
    const [problem] = problemsOf(bad);
    const line = bad.split("\n").findIndex((l) => l.includes('user: "1002')) + 1;
    expect(problem).toBe(`${FILE}:${line}: device lobby-2: user: unterminated double-quoted string`);
  });

  test("bad indentation is a YAML error with its line", () => {
    const bad = GOOD.replace("        endpoint: http://10.0.0.22", "          endpoint: http://10.0.0.22");
    expect(problemsOf(bad)[0]).toMatch(new RegExp(`^${FILE}:\\d+: device lobby-2: endpoint: unexpected indentation`));
  });

  test("a missing endpoint", () => {
    expect(problemsOf(GOOD.replace("        endpoint: http://10.0.0.23\n", ""))).toEqual([`${FILE}: device lobby-3: endpoint: is required`]);
  });

  test("a bad endpoint, by the resources' own rule", () => {
    expect(problemsOf(GOOD.replace("http://10.0.0.23", "ftp://10.0.0.23"))).toEqual([
      `${FILE}: device lobby-3: endpoint: must be an http:// or https:// URL without credentials, query or fragment, got "ftp://10.0.0.23"`,
    ]);
  });

  test("a bad account field, by the resources' schema", () => {
    expect(problemsOf(GOOD.replace("registrationInterval: 120", "registrationInterval: 10"))).toEqual([
      `${FILE}: device lobby-2: sip.registrationInterval: must be an integer from 30 to 900, got 10`,
    ]);
  });

  test("a bad site default is reported for each device that inherits it, saying so", () => {
    const problems = problemsOf(GOOD.replace("transport: udp", "transport: sctp"));
    expect(problems).toEqual([
      `${FILE}: device lobby-1: sip.transport: must be one of "udp", "tcp", "tls", got "sctp" (from the defaults of site north)`,
      `${FILE}: device lobby-2: sip.transport: must be one of "udp", "tcp", "tls", got "sctp" (from the defaults of site north)`,
    ]);
  });

  test("a second account without its required fields", () => {
    const problems = problemsOf(GOOD.replace('        user: "1002"', '        user: "1002"\n        accounts: [main, second]').replace(/ {6}sip2:\n.*\n.*\n/, ""));
    expect(problems).toEqual([
      `${FILE}: device lobby-1: sip2.proxy: is required`,
      `${FILE}: device lobby-1: sip2.realm: is required`,
      `${FILE}: device lobby-2: sip2.proxy: is required`,
      `${FILE}: device lobby-2: sip2.realm: is required`,
    ]);
  });

  test("a password field is refused, with where the secret goes instead; its value is never shown", () => {
    const problems = problemsOf(GOOD.replace("          registrationInterval: 120", "          registrationInterval: 120\n          password: hunter22"));
    expect(problems).toEqual([
      `${FILE}: device lobby-2: sip.password: secrets must not be in the inventory file (it is not encrypted); set it with: pulumi config set --secret sip:lobby-2 <password>`,
    ]);
    expect(problems.join()).not.toContain("hunter22");
  });

  test("password fields anywhere: device connection, second account, site defaults", () => {
    const text = GOOD.replace('        user: "1001"', '        user: "1001"\n        device: {password: x}\n        sip2: {password: y}').replace(
      "        transport: udp",
      "        transport: udp\n        password: z",
    );
    const problems = problemsOf(text);
    expect(problems).toContain(`${FILE}: site north: defaults.sip.password: secrets must not be in the inventory file (it is not encrypted); set it with: pulumi config set --secret sipSite:north <password>`);
    expect(problems).toContain(`${FILE}: device lobby-1: device.password: secrets must not be in the inventory file (it is not encrypted); set the admin password with: pulumi config set --secret adminPassword <password>`);
    expect(problems).toContain(`${FILE}: device lobby-1: sip2.password: secrets must not be in the inventory file (it is not encrypted); set it with: pulumi config set --secret sip2:lobby-1 <password>`);
  });

  test("a duplicate device name, across sites", () => {
    expect(problemsOf(GOOD.replace("name: lobby-3", "name: lobby-1"))).toEqual([`${FILE}: device lobby-1: name: duplicate device name (also in site north); resource names must be unique in a stack`]);
  });

  test("unknown fields, a numeric user, bad accounts, a clashing endpoint, a bad name", () => {
    const text = GOOD.replace("registrationInterval: 120", "registrationIntervall: 120")
      .replace('user: "1001"', "user: 1001")
      .replace("accounts: both", "accounts: [main, third]")
      .replace("http://10.0.0.23", "http://10.0.0.22/")
      .replace("name: lobby-3", "name: lobby 3");
    const problems = problemsOf(text);
    expect(problems).toContain(`${FILE}: device lobby-1: accounts: must be main, second, both, or a list of main and second, got ["main","third"]`);
    expect(problems).toContain(`${FILE}: device lobby-2: sip.registrationIntervall: unknown field; expected one of proxy, realm, user, stun, registrationInterval, h264, transport`);
    expect(problems).toContain(`${FILE}: site south: devices[0]: name: must be 1 to 63 letters, digits, '.', '_' or '-' (it names the resources and config keys), got "lobby 3"`);
    const fixedName = problemsOf(text.replace("name: lobby 3", "name: lobby-3").replace("accounts: [main, third]", "accounts: both"));
    expect(fixedName).toContain(`${FILE}: device lobby-1: user: must be a string; quote numbers: user: "1001"`);
    expect(fixedName).toContain(`${FILE}: device lobby-3: endpoint: same device as lobby-2; one device, one entry`);
  });

  test("an unreadable file is named", () => {
    expect(() => loadInventory("/nonexistent/inventory.yaml")).toThrow(/^\/nonexistent\/inventory.yaml: cannot read the inventory/);
  });

  test("a file without sites", () => {
    expect(problemsOf("devices: []\n")).toEqual([
      `${FILE}: top level: devices: unknown field; expected one of sites, defaults`,
      `${FILE}: top level: sites: is required: a map of site name to {defaults, devices}`,
    ]);
  });
});

describe("the YAML subset", () => {
  test("maps, lists, flow collections, scalars and comments", () => {
    const text = [
      "# comment",
      "a: 1",
      "b: -2.5",
      'c: "x # not a comment"   # a comment',
      "d: 'it''s'",
      "e: [1, two, \"3\"]",
      "f: {x: 1, y: sip:h:5060}",
      "g:",
      "  - plain: true",
      "    more: null",
      "  - ~",
      "  - http://h:80",
      "h:",
      "- at same indent",
      "i:",
      "j: ''",
    ].join("\n");
    expect(parseYaml(text, "t.yaml")).toEqual({
      a: 1,
      b: -2.5,
      c: "x # not a comment",
      d: "it's",
      e: [1, "two", "3"],
      f: { x: 1, y: "sip:h:5060" },
      g: [{ plain: true, more: null }, null, "http://h:80"],
      h: ["at same indent"],
      i: null,
      j: "",
    });
  });

  test.each([
    ["a: 1\na: 2", 2, 'duplicate key "a"'],
    ["a:\n\tb: 1", 2, "tab in indentation; use spaces"],
    ["a: &x 1", 1, "anchors"],
    ["a: [1, [2]]", 1, "nested flow collections are not supported"],
    ["a: b: c", 1, "ambiguous plain value"],
    ["a: 1\n b: 2", 2, "unexpected"],
    ["just text\nmore", 2, "unexpected"],
  ])("refuses %j at line %i", (text, line, reason) => {
    let err: unknown;
    try {
      parseYaml(text, "t.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(YamlError);
    expect((err as YamlError).line).toBe(line);
    expect((err as YamlError).message).toContain(`t.yaml:${line}: `);
    expect((err as YamlError).message).toContain(reason);
  });

  test("the sample inventory is plain YAML (no syntax beyond the subset)", () => {
    const text = fs.readFileSync(path.join(__dirname, "../../examples/fleet/inventory.yaml"), "utf8");
    expect(parseYaml(text, "inventory.yaml")).toMatchObject({ sites: { north: expect.any(Object), south: expect.any(Object) } });
  });
});
