// Entry point for `pulumi up` in this directory (see README.md). The inventory is `inventory.yaml`
// next to Pulumi.yaml unless BASIP_INVENTORY names another file; config `site` limits the stack to
// one site of it. `npx basip-fleet` runs the same program, one stack per site, without this file.
import * as pulumi from "@pulumi/pulumi";
import { fleet } from "pulumi-basip/fleet";

const site = new pulumi.Config().get("site");

export = fleet(process.env.BASIP_INVENTORY ?? "inventory.yaml", { sites: site ? [site] : undefined });
