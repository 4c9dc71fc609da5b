/**
 * Checks a stack's pack config file (the JSON given to `--policy-pack-config`) without running the
 * engine: levels, unknown rules and properties, values against each rule's schema, cross-property
 * constraints. The engine checks the same at preview, except that a rule it does not know, given
 * without a level, fails there as `invalid enforcement level ""` without its name. Pure.
 */
import { ALL, packConfigProblems, RULES } from "./catalog";
import { AnyRule } from "./model";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { isObject } from "pulumi-basip";

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

/** Problems of one value against the schema subset the rules use (type, enum, bounds, items). */
function valueProblems(value: unknown, schema: PolicyConfigJSONSchema): string[] {
  const show = JSON.stringify(value);
  switch (schema.type) {
    case "integer":
    case "number": {
      if (typeof value !== "number" || (schema.type === "integer" && !Number.isInteger(value))) return [`must be ${schema.type === "integer" ? "an integer" : "a number"}, got ${show}`];
      if (schema.minimum !== undefined && value < schema.minimum) return [`must be at least ${schema.minimum}, got ${show}`];
      if (schema.maximum !== undefined && value > schema.maximum) return [`must be at most ${schema.maximum}, got ${show}`];
      return [];
    }
    case "boolean":
      return typeof value === "boolean" ? [] : [`must be true or false, got ${show}`];
    case "string":
      if (typeof value !== "string") return [`must be a string, got ${show}`];
      return schema.enum === undefined || schema.enum.includes(value) ? [] : [`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${show}`];
    case "array": {
      if (!Array.isArray(value)) return [`must be a list, got ${show}`];
      if (schema.minItems !== undefined && value.length < schema.minItems) return [`must have at least ${schema.minItems} item(s)`];
      if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) return ["must not repeat an item"];
      const items = schema.items;
      return isObject(items) ? value.flatMap((v, i) => valueProblems(v, items as PolicyConfigJSONSchema).map((p) => `item ${i}: ${p}`)) : [];
    }
    default:
      return [];
  }
}

/** Every problem of a pack config file's text, each starting with the rule's name (or the file's). */
export function configFileProblems(text: string, rules: readonly AnyRule[] = RULES): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return [`not JSON: ${(e as Error).message}`];
  }
  if (!isObject(parsed)) return ["must be a JSON object of rule names"];
  const problems: string[] = [];
  const properties: Record<string, Record<string, unknown>> = {};
  for (const [name, entry] of Object.entries(parsed)) {
    if (name === "environments") continue; // ESC environments, resolved by the CLI
    const level = typeof entry === "string" ? entry : isObject(entry) ? entry.enforcementLevel : undefined;
    if (level !== undefined && !LEVELS.includes(String(level))) problems.push(`${name}: enforcementLevel must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(level)}`);
    if (typeof entry !== "string" && !isObject(entry)) {
      problems.push(`${name}: must be a level or an object, got ${JSON.stringify(entry)}`);
      continue;
    }
    const { enforcementLevel: _level, ...props } = typeof entry === "string" ? {} : entry;
    properties[name] = props;
    const rule = rules.find((r) => r.name === name);
    if (rule === undefined || name === ALL) continue;
    for (const [key, value] of Object.entries(props)) {
      const schema = (rule.config as Record<string, PolicyConfigJSONSchema>)[key];
      if (schema !== undefined) problems.push(...valueProblems(value, schema).map((p) => `${name}: ${key}: ${p}`));
    }
  }
  return [...problems, ...packConfigProblems(properties, rules)];
}
