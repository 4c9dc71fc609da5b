/**
 * After a write: what the device says about the account's SIP registration, and, when the resource
 * asks for it (`waitForRegistration` > 0), waiting until it registers. Only a registration attempt
 * made after the write counts: a device keeps answering its previous status until its next attempt,
 * so each answer is compared with the status read before the write (`register_last_attempt` changed),
 * never with our clock, which may disagree with the device's.
 *
 * Results are values: `Right` the registration to report, `Left` why the step must fail, with the
 * registration to record in state.
 */
import * as E from "fp-ts/Either";
import { AccountFailure, classify } from "../client/accounts";
import { DeviceClient } from "../client/client";
import { readRegistration } from "../client/sip-status";
import { Registration, SIP_STATUS_PATH } from "../schema/registration-codecs";

/** Why a step's registration check failed. */
export interface RegistrationProblem {
  /** What state records as the last known registration. */
  readonly registration: Registration;
  /** The reason, naming the device, status, last attempt and the likely causes; never a password. */
  readonly message: string;
  /** A failed status request, when that is the reason. */
  readonly cause?: AccountFailure;
}

/** Time, injectable so tests need not wait. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** First poll after this long, doubling up to {@link MAX_POLL_MS}: a PBX answers a REGISTER in well under a second. */
export const FIRST_POLL_MS = 250;
export const MAX_POLL_MS = 2000;

const CAUSES =
  "Likely causes: a wrong SIP user, password, proxy or realm, or a PBX that refuses this device. " +
  "The device never returns the SIP password, so its registration is the only evidence that the password is right.";

const attempt = (r: Registration) => r.lastAttempt ?? "never";

/** One status read; a failed request is a problem of its own (the write itself was done). */
async function statusOf(client: DeviceClient): Promise<E.Either<RegistrationProblem, Registration>> {
  try {
    return E.right(await readRegistration(client));
  } catch (e) {
    const failure = classify(e);
    return E.left({
      registration: { status: "UNKNOWN", lastAttempt: null },
      message: `device ${client.endpoint}: the settings were written, but reading the registration status failed: ${failure.message}`,
      cause: failure,
    });
  }
}

/** The status right after a write, reported without waiting (it may still describe the attempt before the write). */
export function reportRegistration(client: DeviceClient): Promise<E.Either<RegistrationProblem, Registration>> {
  return statusOf(client);
}

/**
 * Polls until an attempt made after the write succeeds (`Right`), fails (`ERROR`), or `waitS`
 * seconds pass. `before` is the status read before the write.
 */
export async function awaitRegistration(client: DeviceClient, before: Registration, waitS: number, clock: Clock = realClock): Promise<E.Either<RegistrationProblem, Registration>> {
  const device = client.endpoint;
  if (before.status === "UNKNOWN") {
    return E.left({
      registration: before,
      message:
        `device ${device} cannot confirm SIP registration: it has no status endpoint (GET ${SIP_STATUS_PATH} answered 404, as older firmware does). ` +
        "The settings were written. Set waitForRegistration: 0 for this device to apply without confirmation.",
    });
  }
  const deadline = clock.now() + waitS * 1000;
  let delay = FIRST_POLL_MS;
  for (;;) {
    await clock.sleep(Math.max(0, Math.min(delay, deadline - clock.now())));
    const read = await statusOf(client);
    if (E.isLeft(read)) return read;
    const now = read.right;
    const fresh = now.lastAttempt !== null && now.lastAttempt !== before.lastAttempt;
    if (fresh && now.status === "OK") return E.right(now);
    if (fresh && now.status === "ERROR") {
      return E.left({ registration: now, message: `device ${device}: SIP registration failed after the write: status ERROR, last attempt ${attempt(now)} (device clock). ${CAUSES}` });
    }
    if (clock.now() >= deadline) return E.left({ registration: now, message: timedOut(device, before, now, waitS) });
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}

function timedOut(device: string, before: Registration, now: Registration, waitS: number): string {
  const head = `device ${device}: not registered within ${waitS} s of the write: status ${now.status}, last attempt ${attempt(now)} (device clock)`;
  if (now.status === "OFFLINE") return `${head}. SIP is disabled on the device: set enabled: true.`;
  if (now.lastAttempt === before.lastAttempt) return `${head}, no attempt since the write (the status is older than the write). ${CAUSES}`;
  return `${head}. ${CAUSES}`;
}
