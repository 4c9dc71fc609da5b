/**
 * The `__provider` text that earlier versions of pulumi-basip stored in every resource's state (Pulumi's
 * closure serializer applied to provider objects whose methods each call the runtime's
 * `main`/`second`/`configure`), as recorded in the 0.1.0 state fixture. Tests use it to show that such
 * states keep working after an upgrade.
 */
import * as fs from "fs";
import * as path from "path";
import { typeToken } from "../../provider/resources/account-resource";
import { ACCOUNTS, AccountKind } from "../../provider/schema/accounts";

const FIXTURE = path.join(__dirname, "..", "fixtures", "state-0.1.0", "stack.json");

/** The text the 0.1.0 fixture stores for the account type `kind`. */
export function legacyText(kind: AccountKind): string {
  const state = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as { deployment: { resources: { type: string; inputs?: { __provider?: string } }[] } };
  const type = typeToken(ACCOUNTS[kind]);
  const text = state.deployment.resources.find((r) => r.type === type)?.inputs?.__provider;
  if (text === undefined) throw new Error(`${FIXTURE}: no ${type} with a __provider`);
  return text;
}
