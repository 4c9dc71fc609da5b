/**
 * The dynamic provider objects that Pulumi serializes into every resource's state. Each method is one
 * line that requires the installed package at call time: nothing of io-ts, fp-ts, node-fetch or this
 * package is captured by value, the text stays about 2 KB, and upgrades need no state change.
 * The two objects differ only in the runtime export they call; a shared factory would capture its
 * argument into every method and make the text larger.
 */
import type * as pulumi from "@pulumi/pulumi";

type P = Record<string, unknown>;
type Provider = pulumi.dynamic.ResourceProvider;

/** Serialized into each `SipAccount`. */
export const sipAccountProvider: Provider = {
  configure: (r) => require("pulumi-basip/runtime").configure(r),
  check: (o: P, n: P) => require("pulumi-basip/runtime").main.check(o, n),
  diff: (i: string, o: P, n: P) => require("pulumi-basip/runtime").main.diff(i, o, n),
  create: (n: P) => require("pulumi-basip/runtime").main.create(n),
  read: (i: string, o: P) => require("pulumi-basip/runtime").main.read(i, o),
  update: (i: string, o: P, n: P) => require("pulumi-basip/runtime").main.update(i, o, n),
  delete: (i: string, o: P) => require("pulumi-basip/runtime").main.delete(i, o),
};

/** Serialized into each `SecondSipAccount`. */
export const secondSipAccountProvider: Provider = {
  configure: (r) => require("pulumi-basip/runtime").configure(r),
  check: (o: P, n: P) => require("pulumi-basip/runtime").second.check(o, n),
  diff: (i: string, o: P, n: P) => require("pulumi-basip/runtime").second.diff(i, o, n),
  create: (n: P) => require("pulumi-basip/runtime").second.create(n),
  read: (i: string, o: P) => require("pulumi-basip/runtime").second.read(i, o),
  update: (i: string, o: P, n: P) => require("pulumi-basip/runtime").second.update(i, o, n),
  delete: (i: string, o: P) => require("pulumi-basip/runtime").second.delete(i, o),
};
