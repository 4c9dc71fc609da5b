/**
 * The HTTP(S) agent of one device client. With `tlsFingerprint` the connection succeeds only with
 * that certificate, whatever its issuer or name: chain and name checks are off (devices ship
 * self-signed certificates), and the socket is handed to the request only after the peer's SHA-256
 * fingerprint matched, so neither the login hash nor a token is ever sent to another server.
 */
import * as http from "http";
import * as https from "https";
import type { Duplex } from "stream";
import * as tls from "tls";
import { fingerprintHex, formatFingerprint } from "../schema/fingerprint";

export interface AgentOptions {
  readonly insecureSkipVerify: boolean;
  readonly caCertificate?: string;
  /** SHA-256 fingerprint of the device certificate, any accepted spelling. */
  readonly tlsFingerprint?: string;
  /** Bounds the TLS handshake of a pinned connection. */
  readonly timeoutMs: number;
  /** Sockets per device (the client's in-flight cap). */
  readonly maxSockets: number;
}

/**
 * Keep-alive of a device's sockets: the most recently used free socket is reused first (`lifo`), so
 * a device's bursts ride on one warm connection and the spare one idles out; an idle socket is closed
 * after 4 s, before the 5 s idle timeout common to embedded web servers, so a request never lands on
 * a socket the device is closing (that would cost a retry).
 */
const KEEP_ALIVE = { keepAlive: true, scheduling: "lifo", timeout: 4000 } as const;

/** The `code` of a pinned connection's mismatch, which node-fetch copies onto its own error. */
export const PIN_MISMATCH = "ERR_TLS_FINGERPRINT_MISMATCH";

/** The error a pinned connection fails with; `code` lets the client name it. */
export class FingerprintMismatch extends Error {
  readonly code = PIN_MISMATCH;
  constructor(expected: string, received: string) {
    super(`TLS certificate fingerprint mismatch: expected ${expected} (device.tlsFingerprint), received ${received}`);
    this.name = "FingerprintMismatch";
  }
}

type Callback = (err: Error | null, stream: Duplex) => void;

/** An https agent that verifies the peer by fingerprint before any byte of a request is written. */
class PinnedAgent extends https.Agent {
  constructor(
    private readonly expected: string,
    private readonly handshakeMs: number,
    maxSockets: number,
  ) {
    // Chain and host name are deliberately not checked: the pin is the check.
    super({ ...KEEP_ALIVE, maxSockets, rejectUnauthorized: false });
  }

  // Node's Agent accepts a callback form: the socket reaches the request only when `done` is called.
  createConnection(options: http.ClientRequestArgs, done?: Callback): undefined {
    // Without the callback the socket would be used before it is verified: refuse rather than leak.
    if (done === undefined) throw new Error("pulumi-basip: a pinned connection needs Node's callback form of createConnection");
    const socket = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false, session: undefined });
    const fail = (e: Error) => {
      socket.destroy();
      done(e, socket);
    };
    socket.setTimeout(this.handshakeMs, () => fail(new Error(`TLS handshake took over ${this.handshakeMs} ms`)));
    socket.once("error", fail);
    socket.once("secureConnect", () => {
      socket.setTimeout(0);
      socket.removeListener("error", fail);
      const received = socket.getPeerCertificate().fingerprint256 ?? "none";
      if (fingerprintHex(received) !== this.expected) return fail(new FingerprintMismatch(formatFingerprint(this.expected), received));
      done(null, socket);
    });
    return undefined;
  }
}

/** The agent for `endpoint`: pinned, CA-verified, unverified (`insecureSkipVerify`), or plain HTTP. */
export function agentFor(endpoint: string, o: AgentOptions): http.Agent {
  if (!endpoint.startsWith("https:")) return new http.Agent({ ...KEEP_ALIVE, maxSockets: o.maxSockets });
  const pin = o.tlsFingerprint === undefined ? undefined : fingerprintHex(o.tlsFingerprint);
  if (pin !== undefined) return new PinnedAgent(pin, o.timeoutMs, o.maxSockets);
  return new https.Agent({ ...KEEP_ALIVE, maxSockets: o.maxSockets, rejectUnauthorized: !o.insecureSkipVerify, ca: o.caCertificate });
}
