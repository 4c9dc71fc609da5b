/**
 * What the policy rules see: the two account resources by their type tokens, their inputs as the
 * resources store them, and the facts about the stack that rules depend on. Pure; no engine types.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** Type tokens of the dynamic resources (`module` "basip" + class name) and their short names. */
export const ACCOUNT_TYPES = {
  "pulumi-nodejs:dynamic/basip:SipAccount": "SipAccount",
  "pulumi-nodejs:dynamic/basip:SecondSipAccount": "SecondSipAccount",
} as const;

export type AccountType = keyof typeof ACCOUNT_TYPES;
export type AccountKind = (typeof ACCOUNT_TYPES)[AccountType];

/** One account resource: kind, name, URN and its inputs (secrets already unwrapped by the policy SDK). */
export interface Account {
  readonly kind: AccountKind;
  readonly name: string;
  readonly urn: string;
  readonly props: Readonly<Record<string, unknown>>;
}

/** The account view of a resource, or `undefined` for any other resource type. */
export function accountOf(type: string, name: string, urn: string, props: Record<string, unknown>): Account | undefined {
  const kind = (ACCOUNT_TYPES as Record<string, AccountKind | undefined>)[type];
  return kind === undefined ? undefined : { kind, name, urn, props };
}

/** How a message names a resource: `SipAccount "lobby"`. */
export const label = (a: Account): string => `${a.kind} "${a.name}"`;

/** Stack tag that marks a stack's environment; `production` switches on the production-only rules. */
export const ENVIRONMENT_TAG = "basip:environment";
export const PRODUCTION = "production";

/** Facts about the stack being checked. */
export interface StackFacts {
  readonly production: boolean;
}

export function stackFacts(tags: ReadonlyMap<string, string>): StackFacts {
  return { production: tags.get(ENVIRONMENT_TAG)?.trim().toLowerCase() === PRODUCTION };
}

export type Level = "advisory" | "mandatory" | "disabled";

/** A rule's config: each property's JSON schema (what the engine validates) with its default. */
export type ConfigSpec<C> = { readonly [K in keyof C]: PolicyConfigJSONSchema & { readonly default: C[K] } };

interface RuleBase<C> {
  /** The policy name users write in the pack config. */
  readonly name: string;
  readonly description: string;
  /** Default enforcement level; a stack's pack config can change it. */
  readonly level: Level;
  readonly config: ConfigSpec<C>;
  /** Constraints a JSON schema cannot state (e.g. `min <= max`); each message names the property. */
  readonly validateConfig?: (config: C) => string[];
}

/** Checks one account; returns one message per violation, each naming the resource and the field. */
export interface ResourceRule<C> extends RuleBase<C> {
  readonly scope: "resource";
  readonly check: (account: Account, config: C, stack: StackFacts) => string[];
}

/** A violation found across resources, reported on one of them. */
export interface StackFinding {
  readonly urn: string;
  readonly message: string;
}

/** Checks all accounts of the stack together. */
export interface StackRule<C> extends RuleBase<C> {
  readonly scope: "stack";
  readonly check: (accounts: readonly Account[], config: C, stack: StackFacts) => StackFinding[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the catalogue mixes rules with different configs
export type AnyRule = ResourceRule<any> | StackRule<any>;

/** A property of the inputs, or `undefined`. */
export function field(props: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
}

/** The `device` input as an object (empty when absent). */
export function deviceOf(account: Account): Readonly<Record<string, unknown>> {
  const d = field(account.props, "device");
  return typeof d === "object" && d !== null ? (d as Record<string, unknown>) : {};
}

/** Fills a rule's config with the defaults of its spec. */
export function withDefaults<C>(spec: ConfigSpec<C>, given: Partial<C> | undefined): C {
  const out = {} as C;
  for (const key of Object.keys(spec) as (keyof C)[]) {
    const v = given?.[key];
    out[key] = v === undefined ? spec[key].default : (v as C[keyof C]);
  }
  return out;
}
