/**
 * One client per device and credentials per process, so every resource of a device shares one token
 * (one login per device per `pulumi up`, no login race between a device's two accounts). Clients of
 * one device with different options still share its in-flight cap (`gate.ts`).
 */
import { createHash } from "crypto";
import { normalizeEndpoint } from "../schema/device";
import { ClientOptions, DeviceClient } from "./client";

const clients = new Map<string, DeviceClient>();

function keyOf(o: ClientOptions): string {
  // Hash the credentials so the map never holds a second plain copy as a key.
  const secret = createHash("sha256").update(`${o.username}\0${o.password}`).digest("hex");
  return [normalizeEndpoint(o.endpoint), secret, o.timeoutMs, o.retries, o.insecureSkipVerify, o.caCertificate ?? "", o.tlsFingerprint ?? ""].join("|");
}

/** The shared client for these options, created on first use. */
export function clientFor(options: ClientOptions): DeviceClient {
  const key = keyOf(options);
  let client = clients.get(key);
  if (client === undefined) {
    client = new DeviceClient(options);
    clients.set(key, client);
  }
  return client;
}

/** Closes every pooled client (tests and short-lived processes). */
export function closeAllClients(): void {
  for (const c of clients.values()) c.close();
  clients.clear();
}
