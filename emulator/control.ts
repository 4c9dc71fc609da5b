/**
 * Inspection endpoints under `/__emulator/`, for users outside the process (CLI, curl). They are
 * not logged and no fault, latency or serial queue applies. One table entry per `METHOD path`;
 * anything else under the prefix is 404.
 */
import type { AccountStates } from "./accounts";
import { latencyProblem } from "./faults";
import { maskedStates } from "./state";
import { MASK, type EmulatedDevice, type FaultOptions } from "./types";
import { isPlainObject } from "./validation";
import { json, type DeviceRequest, type Reply } from "./wire";

export const CONTROL_PREFIX = "/__emulator/";

/** What the control endpoints act on. */
export type ControlTarget = Pick<EmulatedDevice, "requests" | "faults" | "clearRequests" | "expireTokens" | "injectFaults" | "registration" | "registrar"> & {
  readonly state: AccountStates;
};

type ControlHandler = (req: DeviceRequest, dev: ControlTarget) => Reply;

const CONTROL_ROUTES: Record<string, ControlHandler> = {
  "GET /__emulator/requests": (_req, dev) => json(200, dev.requests),
  "GET /__emulator/state": (_req, dev) => json(200, { ...maskedStates(dev.state), registration: dev.registration, faults: dev.faults }),
  "POST /__emulator/reset-log": (_req, dev) => {
    dev.clearRequests();
    return json(200, {});
  },
  "POST /__emulator/expire-tokens": (_req, dev) => {
    dev.expireTokens();
    return json(200, {});
  },
  /** Body: `Partial<RegistrarOptions>`; answers the options with the accepted passwords masked. */
  "POST /__emulator/registrar": (req, dev) => {
    if (!isPlainObject(req.body)) return json(400, { error: "Wrong JSON body" });
    Object.assign(dev.registrar.options, req.body);
    const { accept } = dev.registrar.options;
    return json(200, { ...dev.registrar.options, accept: accept === "all" ? accept : accept.map((a) => ({ ...a, password: MASK })) });
  },
  "POST /__emulator/faults": (req, dev) => {
    if (!isPlainObject(req.body)) return json(400, { error: "Wrong JSON body" });
    const latency = req.body.latencyMs === undefined ? undefined : latencyProblem(req.body.latencyMs as number);
    if (latency !== undefined) return json(400, { error: latency });
    dev.injectFaults(req.body as Partial<FaultOptions>);
    return json(200, dev.faults);
  },
};

export function control(req: DeviceRequest, dev: ControlTarget): Reply {
  const handler = CONTROL_ROUTES[`${req.method} ${req.path}`];
  return handler ? handler(req, dev) : json(404, { error: "Not found" });
}
