/**
 * The rules of the pack, in the order they are reported, and the check of a stack's pack config
 * beyond what the engine validates (it checks each rule's JSON schema, but accepts unknown rules and
 * unknown properties silently, which would turn a typo into a rule that is quietly not configured).
 */
import { AnyRule } from "./model";
import {
  adminPasswordFromConfig,
  allowedTransports,
  httpsEndpoint,
  noFactoryAdminPassword,
  registrationInterval,
  sipPasswordStrength,
  verifiedTls,
  waitForRegistration,
} from "./rules";
import { uniqueDeviceAccount, uniqueSipUser } from "./stack-rules";

export const PACK_NAME = "basip";

export const RULES: readonly AnyRule[] = [
  httpsEndpoint,
  verifiedTls,
  allowedTransports,
  registrationInterval,
  waitForRegistration,
  sipPasswordStrength,
  noFactoryAdminPassword,
  adminPasswordFromConfig,
  uniqueDeviceAccount,
  uniqueSipUser,
];

/** The pack-wide key the engine accepts for "every rule". */
export const ALL = "all";

/** The config a stack gave one rule: its properties (the enforcement level travels apart). */
export type PackConfig = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * Problems of a stack's pack config, each starting with the rule's name: unknown rules, unknown
 * properties, and cross-property constraints. Values against each property's schema are left to the
 * engine, which reports them as `<rule>: <property>: <problem>` before this runs.
 */
export function packConfigProblems(config: PackConfig, rules: readonly AnyRule[] = RULES): string[] {
  const byName = new Map(rules.map((r) => [r.name, r]));
  const known = rules.map((r) => r.name).join(", ");
  const problems: string[] = [];
  for (const [name, props] of Object.entries(config)) {
    if (name === ALL) continue;
    const rule = byName.get(name);
    if (rule === undefined) {
      problems.push(`${name}: no such rule in the ${PACK_NAME} policy pack (rules: ${known})`);
      continue;
    }
    const allowed = Object.keys(rule.config);
    const unknown = Object.keys(props).filter((key) => !allowed.includes(key));
    const takes = allowed.length === 0 ? "this rule takes only enforcementLevel" : `properties: ${allowed.join(", ")}`;
    problems.push(...unknown.map((key) => `${name}: unknown property "${key}" (${takes})`));
    if (rule.validateConfig !== undefined && unknown.length === 0) {
      const filled = Object.fromEntries(Object.entries(rule.config).map(([k, s]) => [k, props[k] ?? (s as { default: unknown }).default]));
      problems.push(...rule.validateConfig(filled).map((p) => `${name}: ${p}`));
    }
  }
  return problems;
}
