/**
 * `pulumi-basip/fleet`: many intercoms from one inventory file.
 *
 * - {@link fleet} / {@link fleetProgram}: the Pulumi program (resources per device, secrets from
 *   stack config or the environment).
 * - {@link loadInventory} / {@link parseInventory}: the inventory loader, every problem with file:line.
 * - {@link runDiscover}: `basip-fleet discover` (an inventory from the panels); {@link runSites}: `basip-fleet sites` (a CI matrix).
 * - {@link runFleet}: what `npx basip-fleet` runs: one stack per site on the Automation API, and the
 *   review report ({@link buildSiteReport}, {@link renderMarkdown}) built from the engine's events.
 * - {@link steadyEngineConnection}: for any tool that runs inline programs of several stacks in one process.
 */
export { fleet, fleetProgram, selectSites, FleetOptions, FleetOutputs, DeviceOutputs } from "./program";
export { loadInventory, parseInventory, InventoryError, DeviceSpec, ConnectionSpec, AccountName } from "./inventory";
export { secretSources, envName, describeSource, SecretSource, SecretKind } from "./secrets";
export { runFleet, summary, RunContext, DEFAULT_PROJECT } from "./run";
export { steadyEngineConnection, ENGINE_CHANNEL_OPTIONS } from "./engine-connection";
export { parseFleetArgs, FleetArgs, ParsedArgs, USAGE } from "./args";
export { buildSiteReport, buildFleetReport, fieldChanges, FleetReport, SiteReport, ResourceEntry, FieldChange, Totals, Command, Phase, SiteOutcome } from "./report";
export { renderMarkdown } from "./markdown";
export { runDiscover, parseTargets, endpointOf, Target } from "./discover";
export { runSites, sitesOf, changedSites, SiteEntry, SiteView } from "./sites";
export { factorDefaults, entryFor, sanitiseName, uniqueNames, accountsOf, FACTORY, PanelReading, PanelFailure, DeviceEntry, SiteDefaults } from "./discover-factor";
export { mergeInventory, MergeResult, DeviceOutcome, Outcome } from "./discover-yaml";
export { buildDiscoverReport, renderDiscoverMarkdown, DiscoverReport, DiscoveredDevice } from "./discover-report";
export { DiscoverArgs, SitesArgs } from "./args";
