/**
 * pulumi-basip: SIP accounts of BAS-IP intercoms as Pulumi resources.
 *
 * - {@link SipAccount}: the main SIP account.
 * - {@link SecondSipAccount}: the second SIP account (Android panels).
 *
 * The device emulator for offline tests is exported from `pulumi-basip/emulator`.
 */
export { SipAccount, SipAccountArgs } from "./resources/sip-account";
export { SecondSipAccount, SecondSipAccountArgs } from "./resources/second-sip-account";
export { DeviceArgs, DeviceConnectionOutput } from "./resources/device-args";
export { DeviceClient, ClientOptions } from "./client/client";
export { DeviceError, DeviceErrorKind, isDeviceError, InternalError } from "./client/errors";
export { PartialFailure, ResourceError, ResourceErrorKind } from "./resources/resource-errors";
export { Registration, RegistrationStatus } from "./schema/registration-codecs";
/** Plain settings objects (codecs and their types): `{ device, ...settings }` is a valid Args object. */
export { SipAccountSettings, SecondSipAccountSettings } from "./schema/accounts";
export { DEVICE_DEFAULTS, deviceKey, normalizeEndpoint } from "./schema/device";
export { DeviceInfo } from "./schema/info";
export { WEB_PASS } from "./schema/rules";
/** Shared with the fleet tool, the policy pack and the backend module: one definition each. */
export { isObject } from "./schema/plain";
export { isSecretName, REDACTED } from "./schema/redaction";
export { CHANGE_MARKERS } from "./schema/markers";
export { validateSipAccount, validateSecondSipAccount, ACCOUNT_FIELDS, DEVICE_CONNECTION_FIELDS, SettingsCheck, SettingsProblem, CheckOptions, CheckedArgs } from "./schema/check-settings";
