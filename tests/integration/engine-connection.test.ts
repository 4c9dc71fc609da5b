/**
 * The engine channel of inline programs (fleet/engine-connection.ts). A run's engine listens on a
 * loopback port the OS may have given an earlier, exited engine. With the SDK's own client options
 * the new channel inherits the old failed connection and its first call answers UNAVAILABLE, which
 * the SDK takes for "engine shutting down" (and the engine then empties the stack); with ours the
 * call reaches the new engine. Driven through the SDK's own ResourceMonitor client.
 */
import * as grpc from "@grpc/grpc-js";
import { ENGINE_CHANNEL_OPTIONS, steadyEngineConnection } from "../../fleet/engine-connection";

const rpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const proto = require("@pulumi/pulumi/proto/resource_pb");
const settings = require("@pulumi/pulumi/runtime/settings") as { grpcClientOptions: Record<string, unknown> };

type Client = { supportsFeature: (req: unknown, cb: (err: grpc.ServiceError | null, resp: { getHassupport(): boolean }) => void) => void; close(): void };

/** A resource monitor on `port` (0: any) that supports every feature. */
async function monitor(port: number): Promise<{ port: number; stop: () => void }> {
  const server = new grpc.Server();
  server.addService(rpc.ResourceMonitorService, {
    supportsFeature: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => {
      const resp = new proto.SupportsFeatureResponse();
      resp.setHassupport(true);
      cb(null, resp);
    },
  });
  const bound = await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { port: bound, stop: () => server.forceShutdown() };
}

const client = (port: number, options: Record<string, unknown>): Client => new rpc.ResourceMonitorClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options);

/** One SupportsFeature call: "ok" or the gRPC status. */
function call(c: Client): Promise<string> {
  const req = new proto.SupportsFeatureRequest();
  req.setId("secrets");
  return new Promise((resolve) => c.supportsFeature(req, (err) => resolve(err ? `${err.code} ${err.details}` : "ok")));
}

/** A first engine on some port is reached, exits, and a second engine gets the same port: what the second run's first call answers. */
async function secondEngineOnReusedPort(options: Record<string, unknown>): Promise<string> {
  const first = await monitor(0);
  const old = client(first.port, options);
  const clients = [old];
  try {
    expect(await call(old)).toBe("ok");
    first.stop();
    expect(await call(old)).toMatch(/^14 /);
    const second = await monitor(first.port);
    try {
      const fresh = client(first.port, options);
      clients.push(fresh);
      return await call(fresh);
    } finally {
      second.stop();
    }
  } finally {
    clients.forEach((c) => c.close());
  }
}

test("with the SDK's own options, a new engine on a reused port is UNAVAILABLE to the next run (what emptied a stack)", async () => {
  const sdkDefaults = { ...settings.grpcClientOptions, ...Object.fromEntries(Object.keys(ENGINE_CHANNEL_OPTIONS).map((k) => [k, undefined])) };
  expect(await secondEngineOnReusedPort(sdkDefaults)).toBe(`${grpc.status.UNAVAILABLE} No connection established. Last error: null. Resolution note: `);
});

test("steadyEngineConnection: the SDK's clients reach the new engine on a reused port", async () => {
  steadyEngineConnection();
  steadyEngineConnection();
  expect(settings.grpcClientOptions).toMatchObject(ENGINE_CHANNEL_OPTIONS);
  expect(await secondEngineOnReusedPort(settings.grpcClientOptions)).toBe("ok");
});
