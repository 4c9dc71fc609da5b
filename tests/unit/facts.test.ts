/**
 * One source per fact. Defaults live in `DEVICE_DEFAULTS` and the account field tables; the TSDoc
 * editors show and the reference pages (docs/reference/) repeat them, so this test holds every copy to its source. The
 * resource Args carry TSDoc on every field of the table, and both tables agree on device keys.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { SECOND_SIP_ACCOUNT, SIP_ACCOUNT, WIRE_NAMES } from "../../provider/schema/accounts";
import { DEVICE_DEFAULTS } from "../../provider/schema/device";

const REPO = path.resolve(__dirname, "..", "..");
const page = (file: string) => fs.readFileSync(path.join(REPO, file), "utf8");
const DEVICE_PAGE = page("docs/reference/device.md");

interface Member {
  readonly doc: string;
  readonly defaultTag?: string;
}

/** The members of an exported interface, with their TSDoc text and `@default` tag. */
function members(file: string, name: string): Record<string, Member> {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(REPO, file), "utf8"), ts.ScriptTarget.ES2022, true);
  const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (decl === undefined) throw new Error(`${file} has no interface ${name}`);
  const out: Record<string, Member> = {};
  for (const m of decl.members) {
    if (!ts.isPropertySignature(m) || !ts.isIdentifier(m.name)) continue;
    const docs = ts.getJSDocCommentsAndTags(m).filter(ts.isJSDoc);
    const doc = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join(" ").trim();
    const tag = ts.getJSDocTags(m).find((t) => t.tagName.text === "default");
    out[m.name.text] = { doc, defaultTag: tag === undefined ? undefined : ts.getTextOfJSDocComment(tag.comment)?.trim() };
  }
  return out;
}

const { retryDelayMs, ...deviceArgDefaults } = DEVICE_DEFAULTS;

describe("connection defaults: DEVICE_DEFAULTS is the source", () => {
  test.each(Object.entries(deviceArgDefaults))("DeviceArgs TSDoc states %s's default", (key, value) => {
    const m = members("provider/resources/device-args.ts", "DeviceArgs")[key];
    expect(m?.defaultTag).toBeDefined();
    expect(JSON.parse(m.defaultTag as string)).toEqual(value);
  });

  test.each(["timeoutMs", "retries", "retryDelayMs", "insecureSkipVerify"] as const)("ClientOptions TSDoc states %s's default", (key) => {
    const m = members("provider/client/client.ts", "ClientOptions")[key];
    expect(JSON.parse(m?.defaultTag ?? "null")).toEqual(DEVICE_DEFAULTS[key]);
  });

  test("the device reference's table states the same defaults", () => {
    const row = (field: string) => DEVICE_PAGE.split("\n").find((l) => l.startsWith(`| \`${field}\``)) ?? "";
    expect(row("username")).toContain(`default \`${DEVICE_DEFAULTS.username}\``);
    expect(row("insecureSkipVerify")).toContain(`default \`${DEVICE_DEFAULTS.insecureSkipVerify}\``);
    expect(row("timeoutMs")).toContain(`default ${DEVICE_DEFAULTS.timeoutMs} `);
    expect(row("retries")).toContain(`default ${DEVICE_DEFAULTS.retries} (backoff ${retryDelayMs} ms, doubling)`);
    expect(DEVICE_PAGE).toContain(`| \`${DEVICE_DEFAULTS.mainAccountPath}\` |`);
    expect(DEVICE_PAGE).toContain(`| \`${DEVICE_DEFAULTS.secondAccountPath}\` (unpublished`);
  });
});

describe.each([
  ["SipAccountArgs", "provider/resources/sip-account.ts", SIP_ACCOUNT, "docs/reference/sip-account.md"],
  ["SecondSipAccountArgs", "provider/resources/second-sip-account.ts", SECOND_SIP_ACCOUNT, "docs/reference/second-sip-account.md"],
] as const)("%s and its field table", (name, file, schema, referencePage) => {
  const args = members(file, name);

  test("every field of the table has TSDoc on the Args (editors show it)", () => {
    for (const field of Object.keys(schema.fields)) expect([field, (args[field]?.doc ?? "").length > 20]).toEqual([field, true]);
    expect(args.device?.doc).toBeTruthy();
  });

  test("the TSDoc @default tags are exactly the table's defaults", () => {
    const tagged = Object.fromEntries(Object.entries(args).filter(([, m]) => m.defaultTag !== undefined).map(([k, m]) => [k, JSON.parse(m.defaultTag as string)]));
    expect(tagged).toEqual(schema.defaults);
  });

  test("the reference page's argument table has a row per field of the table, secrets marked", () => {
    const text = page(referencePage);
    const section = text.slice(text.indexOf("\n## Arguments\n"), text.indexOf("\n## Outputs\n"));
    const rows = new Map([...section.matchAll(/^\| `(\w+)` \|(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect([...rows.keys()]).toEqual(["device", ...Object.keys(schema.fields), ...Object.keys(schema.options)]);
    for (const [field, f] of Object.entries(schema.fields)) {
      const cells = (rows.get(field) ?? "").trim().split(" | ");
      expect([field, cells[cells.length - 1].replace(/ \|$/, "")]).toEqual([field, f.secret === true ? "**always**" : "no"]);
      expect([field, cells[0]]).toEqual([field, `\`${f.wire}\``]);
    }
  });

  test("the reference page's argument text states the same defaults", () => {
    const text = page(referencePage);
    for (const [field, value] of Object.entries(schema.defaults)) expect(text).toMatch(new RegExp(`\`${field}\` \\([^)]*default ${value}\\)`));
  });
});

test("both tables map each arg to one device key, the one WIRE_NAMES holds", () => {
  for (const schema of [SIP_ACCOUNT, SECOND_SIP_ACCOUNT]) {
    for (const [arg, f] of Object.entries(schema.fields)) expect([arg, (WIRE_NAMES as Record<string, string>)[arg]]).toEqual([arg, f.wire]);
  }
  expect(Object.keys(WIRE_NAMES).sort()).toEqual([...new Set([...Object.keys(SIP_ACCOUNT.fields), ...Object.keys(SECOND_SIP_ACCOUNT.fields)])].sort());
});
