/**
 * Errors at the Pulumi boundary keep what went wrong: a device fault's kind, status, the device's
 * parameter (and our arg for it) and the original error as `cause`; a bug in our code is reported as
 * an internal error, never as a fault of some device. No message carries a password.
 */
import * as E from "fp-ts/Either";
import { Emulator, startEmulator } from "../../emulator";
import { readAccount } from "../support/accounts";
import { DeviceClient } from "../../provider/client/client";
import { DeviceError, InternalError } from "../../provider/client/errors";
import { ResourceError } from "../../provider/resources/resource-errors";
import { closeAllClients } from "../../provider/client/sessions";
import { create, read } from "../../provider/resources/lifecycle";
import { SIP_ACCOUNT } from "../../provider/schema/accounts";

const ADMIN_PASSWORD = "123456";
const SIP_PASSWORD = "s3cret-1001";

let emu: Emulator;
let url: string;

beforeEach(async () => {
  closeAllClients();
  emu = await startEmulator({ port: 0 });
  url = emu.device().url;
});

afterEach(async () => {
  jest.restoreAllMocks();
  closeAllClients();
  await emu.stop();
});

const inputs = (patch: Record<string, unknown> = {}) => ({
  device: { endpoint: url, retries: 0 },
  devicePassword: ADMIN_PASSWORD,
  proxy: "sip:pbx.example.com",
  realm: "pbx.example.com",
  user: "1001",
  password: SIP_PASSWORD,
  stun: { ip: "stun.example.com", port: 3478 },
  ...patch,
});

async function rejection(p: Promise<unknown>): Promise<ResourceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ResourceError);
    return e as ResourceError;
  }
  throw new Error("expected a rejection");
}

test("a device rejection keeps kind, status, parameter, our field name and the DeviceError as cause", async () => {
  // `create` trusts `check`; skipping it lets the device be the one to refuse.
  const e = await rejection(create(SIP_ACCOUNT, inputs({ registrationInterval: 10 }), {}));
  expect(e).toMatchObject({ kind: "http", status: 400, param: "registration_interval", field: "registrationInterval", device: url, operation: "create (adopt) SIP account" });
  expect(e.cause).toBeInstanceOf(DeviceError);
  expect((e.cause as DeviceError).status).toBe(400);
  expect(e.message).toContain("[field registrationInterval]");
  expect(e.message).not.toContain(SIP_PASSWORD);
  expect(e.message).not.toContain(ADMIN_PASSWORD);
});

test("wrong admin credentials: the device's status (the login answers 400) and words, the device named", async () => {
  const e = await rejection(read(SIP_ACCOUNT, `${url}#sip-account`, inputs({ devicePassword: "not-the-password" }), {}));
  expect(e).toMatchObject({ kind: "http", status: 400, device: url, operation: "refresh SIP account" });
  expect(e.message).toContain("Wrong login or password");
  expect(e.message).not.toContain("not-the-password");
});

test("no admin password anywhere: kind config, no device call", async () => {
  const e = await rejection(create(SIP_ACCOUNT, inputs({ devicePassword: undefined }), {}));
  expect(e).toMatchObject({ kind: "config", device: url });
  expect(emu.device().counts().total).toBe(0);
});

test("a bug under readAccount is an InternalError, not a protocol error of device 'unknown'", async () => {
  jest.spyOn(DeviceClient.prototype, "get").mockImplementation(() => {
    throw new TypeError("Cannot read properties of undefined (reading 'x')");
  });
  const client = new DeviceClient({ endpoint: url, username: "admin", password: ADMIN_PASSWORD });
  const r = await readAccount(client, SIP_ACCOUNT, "/api/v1/device/sip/settings")();
  client.close();
  expect(E.isLeft(r) && r.left).toBeInstanceOf(InternalError);
  expect(E.isLeft(r) && r.left).not.toBeInstanceOf(DeviceError);
  expect(E.isLeft(r) && (r.left.cause as Error).name).toBe("TypeError");
});

test("a bug at the boundary is reported as internal, with the original error as cause", async () => {
  jest.spyOn(DeviceClient.prototype, "post").mockImplementation(() => {
    throw new TypeError("boom");
  });
  const e = await rejection(create(SIP_ACCOUNT, inputs(), {}));
  expect(e.kind).toBe("internal");
  expect(e.message).toContain("internal error in pulumi-basip, not a device fault");
  expect(e.message).toContain("TypeError: boom");
  expect(e.message).not.toMatch(/protocol|unknown/);
  expect(e.status).toBeUndefined();
  expect((e.cause as InternalError).cause).toBeInstanceOf(TypeError);
});
