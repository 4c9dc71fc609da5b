/**
 * What the serialized dynamic provider calls. It is required by package name at call time
 * (`require("pulumi-basip/runtime")`), so the code that runs is always the installed version and
 * upgrading the package changes behaviour without touching any resource's state.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ACCOUNTS, AccountKind } from "../schema/accounts";
import { ResourceError } from "./resource-errors";
import { DUPLICATE_INPUT, duplicateFailure } from "./duplicates";
import { quietly } from "./host-console";
import * as lifecycle from "./lifecycle";
import { recordWrite, wasWritten } from "./run-ledger";
import { stateOnlyNote } from "./notes";

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

/** The failure of a second resource writing account `id` in this run (see `run-ledger.ts`). */
function duplicateWrite(step: string, title: string, id: string): ResourceError {
  const operation = `${step} ${title}`;
  return new ResourceError(
    `${operation}: another resource of this stack already wrote ${id} in this run; one device account must be managed by exactly one resource (two resources with the same device endpoint?)`,
    { kind: "config", operation, device: id.split("#")[0] },
  );
}

/** The provider implementation of one account type, `configure` included. */
export function providerFor(kind: AccountKind): pulumi.dynamic.ResourceProvider {
  const schema = ACCOUNTS[kind];
  return {
    configure,
    check: (olds: Props, news: Props) =>
      quietly(async () => {
        const { [DUPLICATE_INPUT]: _duplicate, ...inputs } = news;
        const duplicate = duplicateFailure(news);
        if (duplicate !== undefined) return { inputs, failures: [duplicate] };
        const checked = lifecycle.check(schema, inputs, olds ?? {});
        return { inputs: checked.inputs, failures: lifecycle.engineFailures(schema, checked.failures) };
      }),
    diff: (id: string, olds: Props, news: Props) =>
      quietly(async () => {
        const result = lifecycle.diff(schema, olds, news);
        // The preview cannot show that an update writes nothing; say so with the run's diagnostics.
        const note = stateOnlyNote(schema, id, olds, news, result);
        if (note !== undefined) process.stderr.write(`${note}\n`);
        return result;
      }),
    create: async (inputs: Props) => {
      const id = lifecycle.idOf(schema, inputs);
      if (!recordWrite(id)) throw duplicateWrite("create (adopt)", schema.title, id);
      return lifecycle.create(schema, inputs, fallback());
    },
    read: (id: string, props: Props) => quietly(() => lifecycle.read(schema, id, props, fallback())),
    update: async (id: string, olds: Props, news: Props) => {
      if (!recordWrite(id)) throw duplicateWrite("update", schema.title, id);
      return lifecycle.update(schema, olds, news, fallback());
    },
    // A device account cannot be removed: forget it. The device keeps its settings (see docs/reference/lifecycle.md, Delete).
    delete: (id: string) =>
      quietly(async () => {
        const line = wasWritten(id)
          ? `basip: ${id}: this resource left the stack; another resource of this stack took the ${schema.title} over in this run (renamed without an alias, or replaced); the device is unchanged`
          : `basip: ${id} removed from the stack; the device keeps its ${schema.title} settings unchanged`;
        process.stderr.write(`${line}\n`);
      }),
  };
}

/** `SipAccount`'s implementation. */
export const main = providerFor("main");
/** `SecondSipAccount`'s implementation. */
export const second = providerFor("second");

/**
 * The provider objects the `__provider` texts (`dynamic.ts`) hand to Pulumi's host. `main`, `second`
 * and `configure` are also exported by name: states written by earlier versions hold a text that calls
 * them, and the host deletes a resource with the text from its state.
 */
export const providers: Readonly<Record<AccountKind, pulumi.dynamic.ResourceProvider>> = { main, second };
