/**
 * Helpers for teams sharing Pulumi state in a self-managed backend (`pulumi-basip/backend`): check
 * that the backend answers before a run, and redact its credentials from anything printed.
 */
export { backendKind, BackendKind, postgresAddress, redactText, redactUrl } from "./url";
export { checkBackend, Preflight, PreflightOptions } from "./preflight";
/** @deprecated The mask is the package's one `REDACTED` (`[REDACTED]`); this name stays for programs that imported it. */
export { REDACTED as MASK } from "pulumi-basip";
