/**
 * What the serialized dynamic provider calls. It is required by package name at call time
 * (`require("pulumi-basip/runtime")`), so the code that runs is always the installed version and
 * upgrading the package changes behaviour without touching any resource's state.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ACCOUNTS, AccountKind } from "../schema/accounts";
import * as lifecycle from "./lifecycle";

let stackConfig: lifecycle.FallbackCredentials = {};

/** Called once per provider process with the stack config: keeps `basip:username` / `basip:password`. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  stackConfig = { username: req.config.get("basip:username"), password: req.config.get("basip:password") };
}

/** Stack config first, then `BASIP_USERNAME` / `BASIP_PASSWORD`. */
function fallback(): lifecycle.FallbackCredentials {
  return {
    username: stackConfig.username ?? process.env.BASIP_USERNAME,
    password: stackConfig.password ?? process.env.BASIP_PASSWORD,
  };
}

type Props = Record<string, unknown>;

/** The provider implementation of one account type. */
export function providerFor(kind: AccountKind): pulumi.dynamic.ResourceProvider {
  const schema = ACCOUNTS[kind];
  return {
    check: async (_olds: Props, news: Props) => lifecycle.check(schema, news),
    diff: async (_id: string, olds: Props, news: Props) => lifecycle.diff(schema, olds, news),
    create: (inputs: Props) => lifecycle.create(schema, inputs, fallback()),
    read: (id: string, props: Props) => lifecycle.read(schema, id, props, fallback()),
    update: (_id: string, olds: Props, news: Props) => lifecycle.update(schema, olds, news, fallback()),
    // A device account cannot be removed: forget it. The device keeps its settings (see README, Delete).
    delete: async (id: string) => {
      process.stderr.write(`basip: ${id} removed from the stack; the device keeps its ${schema.title} settings unchanged\n`);
    },
  };
}

/** `SipAccount`'s implementation. */
export const main = providerFor("main");
/** `SecondSipAccount`'s implementation. */
export const second = providerFor("second");
