/**
 * Public API of the BAS-IP device emulator (`pulumi-basip/emulator`).
 *
 * @example
 * const emu = await startEmulator({ port: 0 });
 * const dev = emu.device();
 * // ... point a client at dev.url, then inspect dev.main, dev.requests, dev.counts() ...
 * await emu.stop();
 */
export { startEmulator } from "./server";
export { WEB_PASS, DEFAULT_TOKEN_TTL_MS, MASK } from "./types";
export { DEFAULT_SECOND_ACCOUNT_PATH, MAIN_ACCOUNT_PATH } from "./accounts";
export type { EmulatorOptions, FaultOptions, RecordedRequest, RequestArrival, EmulatedDevice, Emulator } from "./types";
export type { EmulatorClock } from "./clock";
export type { MainAccountState, SecondAccountState, SipEnableState } from "./accounts";
export { SIP_ENABLE_PATH } from "./accounts";
export { SIP_STATUS_PATH } from "./routes";
export type { PbxAccount, RegistrarOptions, RegistrationState, SipStatus } from "./registrar";
