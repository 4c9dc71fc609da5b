/**
 * The `__provider` text of each account type: the module Pulumi's dynamic-provider host loads
 * (`require("require-from-string")(text).handler()`) to get the provider object, keyed by this text
 * in its cache. Written here rather than produced by Pulumi's closure serializer: the serializer wraps
 * each of the seven methods in about 250 bytes of boilerplate (2.1 KB in all), and the text is stored
 * twice in every resource's state (inputs and outputs) and sent with every engine call. One line that
 * requires the installed package by name does the same job: nothing of io-ts, fp-ts, node-fetch or
 * this package travels in state, and upgrading the package changes behaviour without a state change.
 */
import type { AccountKind } from "../schema/accounts";

/** The text stored in `__provider`, per account type; it hands the host `providers[kind]` of `pulumi-basip/runtime`. */
export const PROVIDER_TEXT: Readonly<Record<AccountKind, string>> = {
  main: 'exports.handler = () => require("pulumi-basip/runtime").providers.main;\n',
  second: 'exports.handler = () => require("pulumi-basip/runtime").providers.second;\n',
};
