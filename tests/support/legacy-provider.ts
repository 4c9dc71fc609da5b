/**
 * The `__provider` text that earlier versions of pulumi-basip stored in every resource's state: Pulumi's
 * closure serializer applied to provider objects whose methods each call the runtime's
 * `main`/`second`/`configure`. Tests use it to show that such states keep working after an upgrade.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AccountKind } from "../../provider/schema/accounts";

/**
 * The text Pulumi's serializer made of the provider objects of earlier versions (each method one line
 * calling the runtime's `main`/`second`/`configure`), as stored in existing stacks.
 */
export async function legacyText(kind: AccountKind): Promise<string> {
  const k = kind;
  type P = Record<string, unknown>;
  const legacy: pulumi.dynamic.ResourceProvider =
    k === "main"
      ? {
          configure: (r) => require("pulumi-basip/runtime").configure(r),
          check: (o: P, n: P) => require("pulumi-basip/runtime").main.check(o, n),
          diff: (i: string, o: P, n: P) => require("pulumi-basip/runtime").main.diff(i, o, n),
          create: (n: P) => require("pulumi-basip/runtime").main.create(n),
          read: (i: string, o: P) => require("pulumi-basip/runtime").main.read(i, o),
          update: (i: string, o: P, n: P) => require("pulumi-basip/runtime").main.update(i, o, n),
          delete: (i: string, o: P) => require("pulumi-basip/runtime").main.delete(i, o),
        }
      : {
          configure: (r) => require("pulumi-basip/runtime").configure(r),
          check: (o: P, n: P) => require("pulumi-basip/runtime").second.check(o, n),
          diff: (i: string, o: P, n: P) => require("pulumi-basip/runtime").second.diff(i, o, n),
          create: (n: P) => require("pulumi-basip/runtime").second.create(n),
          read: (i: string, o: P) => require("pulumi-basip/runtime").second.read(i, o),
          update: (i: string, o: P, n: P) => require("pulumi-basip/runtime").second.update(i, o, n),
          delete: (i: string, o: P) => require("pulumi-basip/runtime").second.delete(i, o),
        };
  return (await pulumi.runtime.serializeFunction(() => legacy, { allowSecrets: true })).text;
}

