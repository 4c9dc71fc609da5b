/**
 * One error, one line. When `check`, `diff`, `read` or `delete` throw, the dynamic-provider host of
 * `@pulumi/pulumi` prints `${e}: ${e.stack}` with `console.error` (the message twice, then the
 * stack) before it returns the error to the engine, which prints the message itself. For errors our
 * runtime throws, exactly that host line is dropped; every other `console.error` passes through.
 * (`create` and `update` errors are returned without the extra line, so they need nothing.)
 */

/** The exact lines the host is about to print for errors we threw; each is dropped once. */
const expected = new Set<string>();
let installed = false;

/** The line the host prints for `e` (cmd/dynamic-provider/index.js, the catch of each RPC). */
export const hostLineOf = (e: Error): string => `${e}: ${e.stack}`;

/** Wraps `console.error` of this process once; it drops the lines `expect`ed. */
export function installFilter(): void {
  if (installed) return;
  installed = true;
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && expected.delete(args[0])) return;
    original(...args);
  };
}

/** Runs `body`; an error it throws is rethrown unchanged, and the host's extra copy of it dropped. */
export async function quietly<A>(body: () => Promise<A>): Promise<A> {
  installFilter();
  try {
    return await body();
  } catch (e) {
    if (e instanceof Error) expected.add(hostLineOf(e));
    throw e;
  }
}
