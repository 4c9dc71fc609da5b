/**
 * The resource classes in a Pulumi program, with the engine mocked: type tokens, the inputs the
 * engine receives (admin password split out of `device` and made secret, SIP password secret, h264
 * left to `check`), `additionalSecretOutputs`, and the provider text travelling in `__provider`.
 */
import * as pulumi from "@pulumi/pulumi";

type Inputs = Record<string, unknown>;
interface Registration {
  type: string;
  name: string;
  inputs: Inputs;
  additionalSecretOutputs: string[];
}

const registrations: Registration[] = [];
const mockArgs: pulumi.runtime.MockResourceArgs[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult => {
      mockArgs.push(args);
      return { id: `${(args.inputs.device as { endpoint?: string } | undefined)?.endpoint}#mock`, state: args.inputs };
    },
    call: () => ({}),
  },
  "basip-test",
  "unit",
);

// The mock monitor does not pass resource options to `newResource`: read them off the request.
type RegisterRequest = { getType(): string; getName(): string; getAdditionalsecretoutputsList(): string[] };
const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: unknown): unknown };
const originalRegister = monitor.registerResource.bind(monitor);
monitor.registerResource = (req: RegisterRequest, cb: unknown) => {
  registrations.push({ type: req.getType(), name: req.getName(), inputs: {}, additionalSecretOutputs: req.getAdditionalsecretoutputsList() });
  return originalRegister(req, cb);
};

// Loaded after the mocks are in place.
const basip = require("../../provider") as typeof import("../../provider");

const SIG = pulumi.runtime.specialSigKey;
const SECRET = pulumi.runtime.specialSecretSig;
const secretEnvelope = (value: unknown) => ({ [SIG]: SECRET, value });

const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));

/** Waits until the mock saw the resource and returns what it received. */
async function registered(res: pulumi.CustomResource, name: string): Promise<{ args: pulumi.runtime.MockResourceArgs; reg: Registration }> {
  await valueOf(res.urn);
  const args = mockArgs.filter((a) => a.name === name);
  const reg = registrations.filter((r) => r.name === name);
  expect(args).toHaveLength(1);
  expect(reg).toHaveLength(1);
  return { args: args[0], reg: reg[0] };
}

const mainArgs = (device: pulumi.Input<import("../../provider").DeviceArgs>) => ({
  device,
  proxy: "sip:pbx.example.com",
  realm: "pbx.example.com",
  user: "1001",
  password: "s3cret-1001",
  stun: { ip: "stun.example.com", port: 3478 },
  registrationInterval: 300,
  transport: "udp" as const,
});

const secondArgs = (device: pulumi.Input<import("../../provider").DeviceArgs>) => ({
  device,
  proxy: "sip:pbx2.example.com",
  realm: "pbx2.example.com",
  user: "1001",
  password: "s3cret-1001b",
  userId: "1001",
  outbound: "",
});

describe("SipAccount", () => {
  const res = new basip.SipAccount("lobby", mainArgs({ endpoint: "http://10.0.0.21", password: "123456", timeoutMs: 5000 }));

  it("registers with the dynamic type token basip:SipAccount and the mock's id", async () => {
    const { args, reg } = await registered(res, "lobby");
    expect(args.type).toBe("pulumi-nodejs:dynamic/basip:SipAccount");
    expect(reg.type).toBe("pulumi-nodejs:dynamic/basip:SipAccount");
    expect(args.custom).toBe(true);
    expect(await valueOf(res.id)).toBe("http://10.0.0.21#mock");
    expect(await valueOf(res.urn)).toBe("urn:pulumi:unit::basip-test::pulumi-nodejs:dynamic/basip:SipAccount::lobby");
  });

  it("sends password and devicePassword as secrets, device without the password and not secret", async () => {
    const { args } = await registered(res, "lobby");
    expect(args.inputs.password).toEqual(secretEnvelope("s3cret-1001"));
    expect(args.inputs.devicePassword).toEqual(secretEnvelope("123456"));
    expect(args.inputs.device).toEqual({ endpoint: "http://10.0.0.21", timeoutMs: 5000 });
    expect(JSON.stringify(args.inputs.device)).not.toContain("123456");
    expect(JSON.stringify(args.inputs.device)).not.toContain(SECRET);
    expect(args.inputs.proxy).toBe("sip:pbx.example.com");
    expect(args.inputs.stun).toEqual({ ip: "stun.example.com", port: 3478 });
  });

  it("leaves h264 out when not given (check applies the default, mocks do not run it)", async () => {
    const { args } = await registered(res, "lobby");
    expect("h264" in args.inputs).toBe(false);
    expect(Object.keys(args.inputs).sort()).toEqual(
      ["__provider", "device", "devicePassword", "password", "proxy", "realm", "registrationInterval", "stun", "transport", "user"].sort(),
    );
  });

  it("marks password and devicePassword as additional secret outputs", async () => {
    const { reg } = await registered(res, "lobby");
    expect([...reg.additionalSecretOutputs].sort()).toEqual(["devicePassword", "password"]);
  });

  it("exposes the secrets as secret outputs and the device as a plain one", async () => {
    expect(await pulumi.isSecret(res.password)).toBe(true);
    expect(await pulumi.isSecret(res.devicePassword)).toBe(true);
    expect(await pulumi.isSecret(res.device)).toBe(false);
    expect(await pulumi.isSecret(res.user)).toBe(false);
    expect(await valueOf(res.password)).toBe("s3cret-1001");
    expect(await valueOf(res.device)).toEqual({ endpoint: "http://10.0.0.21", timeoutMs: 5000 });
  });

  it("carries the provider text, which hands the host the runtime's main account", async () => {
    const { args } = await registered(res, "lobby");
    const text = args.inputs.__provider as string;
    expect(text).toBe('exports.handler = () => require("pulumi-basip/runtime").providers.main;\n');
  });
});

describe("SecondSipAccount", () => {
  const res = new basip.SecondSipAccount("lobby-2", secondArgs({ endpoint: "http://10.0.0.21", password: "123456" }));

  it("registers with the dynamic type token basip:SecondSipAccount", async () => {
    const { args, reg } = await registered(res, "lobby-2");
    expect(args.type).toBe("pulumi-nodejs:dynamic/basip:SecondSipAccount");
    expect(reg.type).toBe("pulumi-nodejs:dynamic/basip:SecondSipAccount");
    expect(await valueOf(res.id)).toBe("http://10.0.0.21#mock");
  });

  it("sends the secrets as secrets and leaves unset optional fields out", async () => {
    const { args, reg } = await registered(res, "lobby-2");
    expect(args.inputs.password).toEqual(secretEnvelope("s3cret-1001b"));
    expect(args.inputs.devicePassword).toEqual(secretEnvelope("123456"));
    expect(args.inputs.device).toEqual({ endpoint: "http://10.0.0.21" });
    expect(args.inputs.outbound).toBe("");
    expect("transport" in args.inputs).toBe(false);
    expect("registrationInterval" in args.inputs).toBe(false);
    expect([...reg.additionalSecretOutputs].sort()).toEqual(["devicePassword", "password"]);
    expect(args.inputs.__provider).toBe('exports.handler = () => require("pulumi-basip/runtime").providers.second;\n');
  });

  it("exposes secret outputs", async () => {
    expect(await pulumi.isSecret(res.password)).toBe(true);
    expect(await pulumi.isSecret(res.devicePassword)).toBe(true);
    expect(await pulumi.isSecret(res.device)).toBe(false);
  });
});

describe("device given as one secret Output", () => {
  const device = pulumi.secret({ endpoint: "http://10.0.0.22", password: "654321", username: "installer" });
  const res = new basip.SipAccount("gate", mainArgs(device));

  it("still splits off the admin password: device plain without it, devicePassword secret", async () => {
    const { args } = await registered(res, "gate");
    expect(args.inputs.device).toEqual({ endpoint: "http://10.0.0.22", username: "installer" });
    expect(args.inputs.devicePassword).toEqual(secretEnvelope("654321"));
    expect(args.inputs.password).toEqual(secretEnvelope("s3cret-1001"));
    expect(await valueOf(res.id)).toBe("http://10.0.0.22#mock");
    expect(await pulumi.isSecret(res.device)).toBe(false);
    expect(await pulumi.isSecret(res.devicePassword)).toBe(true);
  });
});

describe("without an admin password (stack config or environment supplies it)", () => {
  const res = new basip.SecondSipAccount("fleet", secondArgs({ endpoint: "http://10.0.0.23" }));

  it("sends no devicePassword at all", async () => {
    const { args } = await registered(res, "fleet");
    expect("devicePassword" in args.inputs).toBe(false);
    expect(args.inputs.device).toEqual({ endpoint: "http://10.0.0.23" });
    expect(args.inputs.password).toEqual(secretEnvelope("s3cret-1001b"));
  });
});

describe("caller's additionalSecretOutputs", () => {
  const res = new basip.SipAccount("merged", mainArgs({ endpoint: "http://10.0.0.24", password: "123456" }), {
    additionalSecretOutputs: ["user", "password"],
  });

  it("are kept and merged without duplicates", async () => {
    const { reg } = await registered(res, "merged");
    expect([...reg.additionalSecretOutputs].sort()).toEqual(["devicePassword", "password", "user"]);
  });
});
