/**
 * Turns the rule catalogue into `@pulumi/policy` policies: the adapter between the engine's argument
 * bags and the pure rules (config defaults, stack facts, the account view of a resource).
 */
import { Policies, PolicyConfigSchema, PolicyResource, ResourceValidationPolicy, StackValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { Account, accountOf, AnyRule, ConfigSpec, stackFacts, withDefaults } from "./model";

function configSchema(spec: ConfigSpec<Record<string, unknown>>): PolicyConfigSchema | undefined {
  return Object.keys(spec).length === 0 ? undefined : { properties: spec };
}

/**
 * A plain copy of a resource's inputs without the values still unknown at preview (the SDK's proxy
 * throws on reading them): a stack rule then skips that resource instead of the whole stack.
 */
export function knownPart(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(knownPart);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    try {
      out[key] = knownPart((value as Record<string, unknown>)[key]);
    } catch (e) {
      if (!(e instanceof UnknownValueError)) throw e;
    }
  }
  return out;
}

const accountsOf = (resources: PolicyResource[]): Account[] =>
  resources.flatMap((r) => {
    const a = accountOf(r.type, r.name, r.urn, {});
    return a === undefined ? [] : [{ ...a, props: knownPart(r.props) as Record<string, unknown> }];
  });

function toPolicy(rule: AnyRule): ResourceValidationPolicy | StackValidationPolicy {
  const base = { name: rule.name, description: rule.description, enforcementLevel: rule.level, configSchema: configSchema(rule.config) };
  if (rule.scope === "resource") {
    return {
      ...base,
      validateResource: (args, reportViolation) => {
        const account = accountOf(args.type, args.name, args.urn, args.props);
        if (account === undefined) return;
        const config = withDefaults(rule.config, args.getConfig());
        for (const message of rule.check(account, config, stackFacts(args.stackTags))) reportViolation(message);
      },
    };
  }
  return {
    ...base,
    validateStack: (args, reportViolation) => {
      const config = withDefaults(rule.config, args.getConfig());
      for (const finding of rule.check(accountsOf(args.resources), config, stackFacts(args.stackTags))) reportViolation(finding.message, finding.urn);
    },
  };
}

export function toPolicies(rules: readonly AnyRule[]): Policies {
  return rules.map(toPolicy);
}
