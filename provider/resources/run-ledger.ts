/**
 * What one provider process knows across the resources of a run: the engine starts one
 * dynamic-provider process per command, and every `SipAccount` and `SecondSipAccount` of the stack
 * goes through it. It records the accounts written (created or updated), which tells
 * - a second resource writing an account another one already wrote (the same device account
 *   declared twice, when the program-side check in `guards.ts` was bypassed), and
 * - a delete of an account that a resource of this run took over (a rename without an alias, or a
 *   replace: the engine creates the new resource before it deletes the old one).
 */

const written = new Set<string>();

/** Records a write of account `id`; `false` when this process already wrote it for another resource. */
export function recordWrite(id: string): boolean {
  if (written.has(id)) return false;
  written.add(id);
  return true;
}

/** Whether a resource of this run created or updated account `id`. */
export const wasWritten = (id: string): boolean => written.has(id);
