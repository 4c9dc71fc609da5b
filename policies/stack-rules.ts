/**
 * Stack-level rules: facts that only show across resources (two resources fighting over one
 * device account, two panels registering as the same SIP user). Pure.
 */
import { deviceKey } from "pulumi-basip";
import { Account, deviceOf, field, label, StackFinding, StackRule } from "./model";

/** Groups accounts by a key; keys that are `undefined` (unknown at preview, absent) are skipped. */
function duplicates(accounts: readonly Account[], keyOf: (a: Account) => string | undefined): Account[][] {
  const groups = new Map<string, Account[]>();
  for (const a of accounts) {
    const k = keyOf(a);
    if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), a]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/** Reports a duplicate group on every member, each message naming the others. */
function report(group: Account[], message: (member: Account, others: string) => string): StackFinding[] {
  return group.map((member) => ({
    urn: member.urn,
    message: message(
      member,
      group
        .filter((o) => o !== member)
        .map(label)
        .join(", "),
    ),
  }));
}

export const uniqueDeviceAccount: StackRule<Record<string, never>> = {
  scope: "stack",
  name: "basip-unique-device-account",
  description: "No two resources manage the same account of one device (same endpoint, same resource type): they would overwrite each other on every up.",
  level: "mandatory",
  config: {},
  check: (accounts) =>
    duplicates(accounts, (a) => {
      const endpoint = deviceOf(a).endpoint;
      return typeof endpoint === "string" ? `${a.kind} ${deviceKey(endpoint)}` : undefined;
    }).flatMap((group) =>
      report(
        group,
        (member, others) =>
          `${label(member)}: device.endpoint ${String(deviceOf(member).endpoint)} is the same device as ${others}; each ${member.kind} of a device must be managed by one resource.`,
      ),
    ),
};

export const uniqueSipUser: StackRule<Record<string, never>> = {
  scope: "stack",
  name: "basip-unique-sip-user",
  description: "No two accounts register the same SIP user at the same realm: the PBX would route calls to whichever registered last.",
  level: "advisory",
  config: {},
  check: (accounts) =>
    duplicates(accounts, (a) => {
      const user = field(a.props, "user");
      const realm = field(a.props, "realm");
      return typeof user === "string" && typeof realm === "string" ? `${user}@${realm.toLowerCase()}` : undefined;
    }).flatMap((group) =>
      report(group, (member, others) => `${label(member)}: user "${String(field(member.props, "user"))}" at realm ${String(field(member.props, "realm"))} is also registered by ${others}.`),
    ),
};
