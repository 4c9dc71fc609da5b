/**
 * Refuses a stack's pack config that names an unknown rule or property, or breaks a cross-property
 * constraint, when the engine configures the pack. `@pulumi/policy` stores whatever config it is given
 * and has no hook for this, so we wrap the `configure` handler of the analyzer service it registers
 * with gRPC; the engine then fails the run with our message, which starts with the rule's name.
 */
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import type { PackConfig } from "./catalog";

/** The `configure` request as the policy SDK receives it (only the part we read). */
interface ConfigureRequest {
  getPolicyconfigMap(): { entries(): Iterable<[string, { getProperties(): { toJavaScript(): Record<string, unknown> } | undefined }]> };
}

/** The per-rule properties of a `configure` request. */
export function packConfigOf(request: ConfigureRequest): PackConfig {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [rule, config] of request.getPolicyconfigMap().entries()) out[rule] = config.getProperties()?.toJavaScript() ?? {};
  return out;
}

/** The gRPC module instance the policy SDK serves with (ours could be another copy). */
function policyGrpc(): typeof grpcTypes {
  const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
  return require(require.resolve("@grpc/grpc-js", { paths: [policyDir] }));
}

/**
 * Installs the check; call it before constructing the `PolicyPack` (which starts the server).
 * `problemsOf` returns one message per problem; any problem fails `configure` with all of them.
 */
export function guardPackConfig(packName: string, problemsOf: (config: PackConfig) => string[]): void {
  const grpc = policyGrpc();
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: grpcTypes.Server, service, implementation) {
    const configure = implementation.configure as grpcTypes.handleUnaryCall<ConfigureRequest, unknown> | undefined;
    if (typeof configure !== "function") return addService.call(this, service, implementation);
    const guarded: grpcTypes.handleUnaryCall<ConfigureRequest, unknown> = (call, callback) => {
      const problems = problemsOf(packConfigOf(call.request));
      if (problems.length === 0) return configure(call, callback);
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `invalid ${packName} policy pack config: ${problems.join("; ")}` }, null);
    };
    return addService.call(this, service, { ...implementation, configure: guarded });
  };
}
