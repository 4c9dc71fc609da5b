/**
 * The basip policy pack (Pulumi CrossGuard) for stacks of SipAccount and SecondSipAccount resources.
 * Run it with `pulumi preview --policy-pack node_modules/pulumi-basip/policies`; see policies/README.md.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, packConfigProblems, RULES } from "./catalog";
import { guardPackConfig } from "./guard";
import { toPolicies } from "./pack";

guardPackConfig(PACK_NAME, (config) => packConfigProblems(config));

new PolicyPack(PACK_NAME, {
  description: "Rules for fleets of BAS-IP intercoms managed with pulumi-basip: TLS on production stacks, SIP transport and registration, credentials, one resource per device account.",
  policies: toPolicies(RULES),
});
