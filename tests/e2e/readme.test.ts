/**
 * The README quickstart, exactly as README.md shows it: the first `ts` block under "## Quickstart" is
 * type-checked against the package's types, then run as an inline program with the real Pulumi CLI
 * against the emulator, with the config keys README's "aim it at a real panel" commands set.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { Emulator, EmulatedDevice, startEmulator } from "../../emulator";
import { newStack, TestStack } from "./harness";

jest.setTimeout(180_000);

const REPO = path.resolve(__dirname, "..", "..");
const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");

function quickstartBlock(): string {
  const section = README.slice(README.indexOf("\n## Quickstart\n"));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (block === null || !README.includes("\n## Quickstart\n")) throw new Error("README.md has no ts block under ## Quickstart");
  return block[1];
}

/** Type errors of `code` compiled as a file of this repository (so `pulumi-basip` is the source). */
function typeErrors(code: string): string[] {
  const file = path.join(REPO, "README.quickstart.ts");
  const config = ts.readConfigFile(path.join(REPO, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, REPO);
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (path.resolve(name) === file ? ts.createSourceFile(name, code, lang) : getSourceFile(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], { ...options, noEmit: true }, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

/** The block as an inline program; `pulumi-basip` resolves to this repository's source. */
function programOf(code: string): () => Promise<void> {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const load = (name: string) => (name === "pulumi-basip" ? require("../../provider") : require(name));
  return async () => {
    new Function("require", "exports", "module", js)(load, {}, { exports: {} });
  };
}

const CODE = quickstartBlock();
const SECRETS = { adminPassword: "123456", sipPassword: "s3cret-1001", secondSipPassword: "s3cret-1001b" };

let emu: Emulator;
let dev: EmulatedDevice;
let stack: TestStack | undefined;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  dev = emu.device();
});

afterAll(async () => {
  stack?.dispose();
  await emu?.stop();
});

test("the block type-checks against the package", () => {
  expect(typeErrors(CODE)).toEqual([]);
});

test("README's config commands set exactly the keys the block reads", () => {
  const read = [...CODE.matchAll(/cfg\.require(?:Secret)?\("([^"]+)"\)/g)].map((m) => m[1]);
  const set = [...README.matchAll(/pulumi config set (?:--secret )?(\w+)/g)].map((m) => m[1]);
  expect(new Set(read)).toEqual(new Set(set));
  expect(new Set(read)).toEqual(new Set(["endpoint", ...Object.keys(SECRETS)]));
});

test("the block, run by the real engine, configures both accounts; a second run changes nothing", async () => {
  stack = await newStack("readme", programOf(CODE), {
    endpoint: { value: dev.url },
    ...Object.fromEntries(Object.entries(SECRETS).map(([k, value]) => [k, { value, secret: true }])),
  });
  const up = await stack.stack.up();
  expect(up.summary.resourceChanges).toEqual({ create: 3 });
  expect(dev.main).toMatchObject({ proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", password: SECRETS.sipPassword, stun: { ip: "stun.example.com", port: 3478 }, registration_interval: 300, h264: 102, transport: "udp" });
  expect(dev.second).toMatchObject({ proxy: "sip:pbx2.example.com", realm: "pbx2.example.com", user: "1001", password: SECRETS.secondSipPassword, user_id: "1001", outbound: "" });

  const again = await stack.stack.up();
  expect(again.summary.resourceChanges).toEqual({ same: 3 });
});
