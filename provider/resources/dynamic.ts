/**
 * The dynamic provider objects that Pulumi serializes into every resource's state. Each method is one
 * line that requires the installed package at call time: nothing of io-ts, fp-ts, node-fetch or this
 * package is captured by value, the text stays under 2 KB, and upgrades need no state change.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AccountKind } from "../schema/accounts";

type Props = Record<string, unknown>;

/** One serializable provider per account type; build each once, at module level. */
export function serializableProvider(kind: AccountKind): pulumi.dynamic.ResourceProvider {
  return {
    configure: (req) => require("pulumi-basip/runtime").configure(req),
    check: (olds: Props, news: Props) => require("pulumi-basip/runtime").provider(kind).check(olds, news),
    diff: (id: string, olds: Props, news: Props) => require("pulumi-basip/runtime").provider(kind).diff(id, olds, news),
    create: (inputs: Props) => require("pulumi-basip/runtime").provider(kind).create(inputs),
    read: (id: string, props: Props) => require("pulumi-basip/runtime").provider(kind).read(id, props),
    update: (id: string, olds: Props, news: Props) => require("pulumi-basip/runtime").provider(kind).update(id, olds, news),
    delete: (id: string, props: Props) => require("pulumi-basip/runtime").provider(kind).delete(id, props),
  };
}

export const sipAccountProvider = serializableProvider("main");
export const secondSipAccountProvider = serializableProvider("second");
