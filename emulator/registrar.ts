/**
 * The PBX the device registers with, reduced to what the device reports at `GET /api/v1/sip/status`
 * (BAS-IP API "Get current SIP registration status"): it is told which accounts it accepts (proxy + user + password, or all), and after
 * every write of the main account or of the SIP enable switch the device makes one registration
 * attempt after a delay. The attempt sets `register_last_attempt` (Unix seconds, device clock) and
 * the status `OK` when the main account matches, `ERROR` when not. SIP switched off answers
 * `OFFLINE` at once and makes no attempt. The docs do not say which account the status describes;
 * the emulator takes the main one.
 */
import type { MainAccountState, SipEnableState } from "./accounts";

/** An account the PBX accepts. `proxy` is compared without a `sip:` prefix. */
export interface PbxAccount {
  proxy: string;
  user: string;
  password: string;
}

/** Options of the registrar; live and mutable on each device. */
export interface RegistrarOptions {
  /** The accounts the PBX accepts, or `"all"`. Default `"all"`. */
  accept: "all" | PbxAccount[];
  /** Time from a write to its registration attempt (ms). Default 200. */
  delayMs: number;
  /** Seconds the device's clock is ahead of (negative: behind) the real one. Default 0. */
  clockOffsetS: number;
}

export const DEFAULT_REGISTRAR: RegistrarOptions = { accept: "all", delayMs: 200, clockOffsetS: 0 };

export type SipStatus = "OK" | "OFFLINE" | "ERROR";

/** What the status endpoint answers. */
export interface RegistrationState {
  sip_status: SipStatus;
  register_last_attempt: number | null;
}

const host = (proxy: string) => (proxy.startsWith("sip:") ? proxy.slice(4) : proxy);

/** Whether the PBX accepts this account. */
export function accepts(accept: RegistrarOptions["accept"], account: MainAccountState): boolean {
  if (accept === "all") return true;
  return accept.some((a) => host(a.proxy) === host(account.proxy) && a.user === account.user && a.password === account.password);
}

/** One device's registration: the result of its last attempt and the attempt pending, if any. */
export class Registrar {
  private last: { status: "OK" | "ERROR"; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly options: RegistrarOptions,
    private readonly account: () => { main: MainAccountState; sipEnable: SipEnableState },
  ) {}

  /** The status answer now. Before any attempt the account is not registered: `ERROR`, never tried. */
  view(): RegistrationState {
    if (!this.account().sipEnable.sip_enable) return { sip_status: "OFFLINE", register_last_attempt: this.last?.at ?? null };
    return { sip_status: this.last?.status ?? "ERROR", register_last_attempt: this.last?.at ?? null };
  }

  /** Schedules one attempt after the delay (a later write replaces a pending one); until then the old status stands. */
  schedule(): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.attemptNow();
    }, this.options.delayMs);
    // A pending attempt never keeps a process alive.
    this.timer.unref();
  }

  /** One attempt now (no attempt while SIP is off). */
  attemptNow(): void {
    const { main, sipEnable } = this.account();
    if (!sipEnable.sip_enable) return;
    const at = Math.floor(Date.now() / 1000) + this.options.clockOffsetS;
    this.last = { status: accepts(this.options.accept, main) ? "OK" : "ERROR", at };
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
