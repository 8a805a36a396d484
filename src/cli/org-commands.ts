import type { Command } from "@commander-js/extra-typings";
import type { ApiKey, CreatedApiKey, Organization } from "../client/index.js";
import { CliError } from "./cli-error.js";
import { connect, withConnection } from "./connection.js";
import { parseLimit } from "./option-parsers.js";
import { type Column, emit, formatTime, printFields, printLine, printMoreHint, printTable } from "./output.js";
import { wholeList } from "./whole-list.js";

const ORG_COLUMNS: readonly Column<Organization>[] = [
  { header: "ID", value: (o) => o.id },
  { header: "NAME", value: (o) => o.name },
  { header: "DOMAINS", value: (o) => o.domains.join(", ") || "-" },
  { header: "CREATED", value: (o) => formatTime(o.created_at) },
];

const KEY_COLUMNS: readonly Column<ApiKey>[] = [
  { header: "ID", value: (k) => k.id },
  { header: "NAME", value: (k) => k.name },
  { header: "KEY", value: (k) => `sk_…${k.last4}` },
  { header: "CREATED", value: (k) => formatTime(k.created_at) },
  { header: "LAST USED", value: (k) => formatTime(k.last_used_at) },
];

function printOrganization(org: Organization): void {
  printLine(`Organization ${org.id}`);
  printFields([
    ["name", org.name],
    ["domains", org.domains.join(", ") || "-"],
    ["created", formatTime(org.created_at)],
    ["updated", formatTime(org.updated_at)],
  ]);
}

function printOrganizations(orgs: readonly Organization[]): void {
  if (orgs.length === 0) printLine("No organizations.");
  else printTable(orgs, ORG_COLUMNS);
}

function printCreatedKey(key: CreatedApiKey): void {
  printLine(`Created API key ${key.id} ("${key.name}") for ${key.organization_id}:`);
  printLine();
  printLine(`  ${key.key}`);
  printLine();
  printLine("This key is shown only once. Store it now; Roster keeps only a hash and cannot show it again.");
}

function registerCreate(org: Command): void {
  withConnection(
    org
      .command("create")
      .description("Create an organization (admin key)")
      .argument("<name>", "organization name")
      .option("--domain <domains...>", "domains of the organization"),
  ).action(async (name, options) => {
    const created = await connect(options).organizations.create({ name, domains: options.domain ?? [] });
    emit(options, created, (o) => {
      printLine(`Created organization ${o.id}`);
      printFields([
        ["name", o.name],
        ["domains", o.domains.join(", ") || "-"],
      ]);
    });
  });
}

function registerList(org: Command): void {
  withConnection(
    org
      .command("list")
      .description("List organizations, newest first")
      .option("--search <text>", "only names containing this text")
      .option("--limit <n>", "page size, 1 to 100", parseLimit)
      .option("--after <cursor>", "the page after this id (from a previous list)")
      .option("--all", "follow every page and print them as one list"),
  ).action(async (options) => {
    const client = connect(options);
    const params = { search: options.search, limit: options.limit, after: options.after };
    const page = options.all
      ? await wholeList(client.organizations.list, params)
      : await client.organizations.list(params);
    emit(options, page, (p) => {
      printOrganizations(p.data);
      printMoreHint(p.list_metadata.after, "roster org list");
    });
  });
}

function registerGet(org: Command): void {
  withConnection(
    org.command("get").description("Show one organization").argument("<id>", "organization id (org_…)"),
  ).action(async (id, options) => {
    emit(options, await connect(options).organizations.get(id), printOrganization);
  });
}

function registerUpdate(org: Command): void {
  withConnection(
    org
      .command("update")
      .description("Rename an organization or replace its domains")
      .argument("<id>", "organization id (org_…)")
      .option("--name <name>", "the new name")
      .option("--domain <domains...>", "the organization's domains, replacing the current list")
      .option("--no-domains", "remove every domain"),
  ).action(async (id, options) => {
    // commander's --no-domains sets `domains: false`; left out it is true (its default).
    const domains = options.domains === false ? [] : options.domain;
    if (options.name === undefined && domains === undefined)
      throw new CliError("nothing to change: pass --name, --domain or --no-domains");
    emit(options, await connect(options).organizations.update(id, { name: options.name, domains }), (o) => {
      printLine(`Updated organization ${o.id}.`);
      printOrganization(o);
    });
  });
}

function registerDelete(org: Command): void {
  withConnection(
    org
      .command("delete")
      .description("Delete an organization (admin key); refused while it still has directories")
      .argument("<id>", "organization id (org_…)"),
  ).action(async (id, options) => {
    await connect(options).organizations.delete(id);
    emit(options, { object: "organization", id, deleted: true }, () => printLine(`Deleted organization ${id}.`));
  });
}

function registerKeyCommands(key: Command): void {
  withConnection(
    key
      .command("create")
      .description("Create an organization API key (shown only once)")
      .argument("<orgId>", "organization id")
      .option("--name <name>", "a label to tell keys apart", "default"),
  ).action(async (orgId, options) => {
    emit(options, await connect(options).apiKeys.create(orgId, { name: options.name }), printCreatedKey);
  });

  withConnection(
    key.command("list").description("List all of an organization's API keys").argument("<orgId>", "organization id"),
  ).action(async (orgId, options) => {
    const client = connect(options);
    const keys = await wholeList((p) => client.apiKeys.list(orgId, p), { limit: 100 });
    emit(options, keys, ({ data }) => {
      if (data.length === 0) printLine(`No API keys for ${orgId}.`);
      else printTable(data, KEY_COLUMNS);
    });
  });

  withConnection(
    key
      .command("revoke")
      .description("Revoke an API key at once")
      .argument("<orgId>", "organization id")
      .argument("<keyId>", "key id (key_…)"),
  ).action(async (orgId, keyId, options) => {
    await connect(options).apiKeys.revoke(orgId, keyId);
    emit(options, { object: "api_key", id: keyId, organization_id: orgId, revoked: true }, () =>
      printLine(`Revoked API key ${keyId}.`),
    );
  });
}

/** `roster org …`: organizations and their API keys, over HTTP through the client SDK. */
export function registerOrgCommands(program: Command): void {
  const org = program.command("org").description("Manage organizations and their API keys");
  registerCreate(org);
  registerList(org);
  registerGet(org);
  registerUpdate(org);
  registerDelete(org);
  registerKeyCommands(org.command("key").description("Manage an organization's API keys"));
}
