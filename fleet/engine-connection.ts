/**
 * The gRPC channel between an inline program and the Pulumi engine, kept apart from the channels of
 * earlier runs in the same process.
 *
 * Why: grpc-js shares connections ("subchannels") between all channels of a process that name the
 * same address. Each engine run listens on a fresh loopback port, and the OS hands out ports again,
 * so a later run can get the port of an engine that has exited; its new channel then inherits the
 * old, failed connection and the first call answers `UNAVAILABLE` ("No connection established. Last
 * error: null") without trying. The Node SDK reads `UNAVAILABLE` as "the engine is shutting down":
 * it stops registering resources without an error, the program ends as if it had declared nothing,
 * and the engine removes every resource of the stack. One CI run lost a test stack this way; basip-fleet
 * runs its sites one after another in one process and was exposed the same way.
 */

/** Channel options added to the SDK's: each engine channel keeps its own connections. */
export const ENGINE_CHANNEL_OPTIONS: Readonly<Record<string, number>> = { "grpc.use_local_subchannel_pool": 1 };

/**
 * Adds {@link ENGINE_CHANNEL_OPTIONS} to the options the SDK (`@pulumi/pulumi` as this process
 * resolves it) creates its engine and resource-monitor clients with. Each run makes new clients,
 * so call this once before the first run of an inline program; calling it again changes nothing.
 */
export function steadyEngineConnection(): void {
  const settings = require("@pulumi/pulumi/runtime/settings") as { grpcClientOptions: Record<string, unknown> };
  Object.assign(settings.grpcClientOptions, ENGINE_CHANNEL_OPTIONS);
}
