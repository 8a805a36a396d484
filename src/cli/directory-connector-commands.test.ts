import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Directory, Organization } from "../client/index.js";
import { cliAgainst } from "./cli-test-runner.js";
import { type LiveServer, startLiveServer } from "./live-test-server.js";

const TOKEN = "upstream-bearer-token-do-not-print-0123456789";

describe("roster directory create / update / get with a pull connector against a real server", () => {
  let live: LiveServer;
  let cli: ReturnType<typeof cliAgainst>;
  let org: Organization;
  let files: string;

  beforeAll(async () => {
    // The registry's real `csv` and `scim pull` kinds; no schedule is set, so nothing is ever fetched.
    live = await startLiveServer();
    cli = cliAgainst(live.url);
    org = await live.admin.organizations.create({ name: "Acme" });
    files = await mkdtemp(join(tmpdir(), "roster-connector-"));
  });
  afterAll(async () => {
    await live?.close();
    await rm(files, { recursive: true, force: true });
  });

  const create = (name: string, type: string, ...rest: string[]) =>
    cli.exit("directory", "create", "--org", org.id, "--name", name, "--type", type, ...rest);

  it("creates a csv directory with --connector and shows the connector as compact JSON in create and get", async () => {
    const created = await create("HR file", "csv", "--connector", '{ "path": "/tmp/x.csv" }');
    expect(created).toMatchObject({ code: undefined, stderr: "" });
    const id = /^Created directory (directory_\w+) \("HR file", csv\)/.exec(created.stdout)?.[1] as string;
    expect(id).toBeDefined();
    expect(created.stdout).toMatch(/^ +connector +\{"path":"\/tmp\/x\.csv"\}$/m);

    expect(await cli.run("directory", "get", id)).toMatch(/^ +connector +\{"path":"\/tmp\/x\.csv"\}$/m);
    expect((await cli.json<Directory>("directory", "get", id)).connector).toEqual({ path: "/tmp/x.csv" });
    const empty = await cli.json<Directory>(
      "directory",
      "create",
      "--org",
      org.id,
      "--name",
      "Uploads",
      "--type",
      "csv",
      "--connector",
      "{}",
    );
    expect(empty.connector).toEqual({});
  });

  it("creates a scim pull directory whose token shows only as token_set, in the table and in JSON", async () => {
    const connector = JSON.stringify({ base_url: "https://idp.example.test/scim/v2", token: TOKEN });
    const created = await create("Upstream", "scim pull", "--connector", connector);
    expect(created.code).toBeUndefined();
    expect(created.stdout).toContain('"token_set":true');
    const id = /^Created directory (directory_\w+)/.exec(created.stdout)?.[1] as string;

    const table = await cli.run("directory", "get", id);
    expect(table).toMatch(/^ +connector +\{"base_url":"https:\/\/idp\.example\.test\/scim\/v2","token_set":true\}$/m);
    const json = await cli.run("directory", "get", id, "--json");
    expect((JSON.parse(json) as Directory).connector).toEqual({
      base_url: "https://idp.example.test/scim/v2",
      token_set: true,
    });
    for (const out of [created.stdout, table, json]) expect(out).not.toContain(TOKEN);
  });

  it("reads --connector-file from a temp file, so the secret never sits on the command line", async () => {
    const file = join(files, "upstream.json");
    await writeFile(
      file,
      JSON.stringify({ base_url: "https://idp.example.test/scim/v2", token: TOKEN, page_size: 50 }),
    );
    const created = await cli.json<Directory>(
      "directory",
      "create",
      "--org",
      org.id,
      "--name",
      "From file",
      "--type",
      "scim pull",
      "--connector-file",
      file,
    );
    expect(created.connector).toEqual({ base_url: "https://idp.example.test/scim/v2", token_set: true, page_size: 50 });
    expect(JSON.stringify(created)).not.toContain(TOKEN);
  });

  it("refuses JSON that does not parse or is not an object with one line that never repeats it, and creates nothing", async () => {
    const org2 = await live.admin.organizations.create({ name: "Refused" });
    const attempt = (...rest: string[]) =>
      cli.exit("directory", "create", "--org", org2.id, "--name", "Bad", "--type", "scim pull", ...rest);

    const bad = await attempt("--connector", `{ token: "${TOKEN}" }`);
    expect(bad).toEqual({ code: 1, stdout: "", stderr: "roster: --connector is not valid JSON (at position 2)\n" });
    expect((await attempt("--connector", TOKEN)).stderr).toBe("roster: --connector is not valid JSON\n");
    expect((await attempt("--connector", "[1, 2]")).stderr).toBe(
      "roster: --connector must be a JSON object ({…}), got an array\n",
    );
    expect((await attempt("--connector", "null")).stderr).toBe(
      "roster: --connector must be a JSON object ({…}), got null\n",
    );

    const file = join(files, "broken.json");
    await writeFile(file, `{"token": "${TOKEN}",`);
    expect(await attempt("--connector-file", file)).toEqual({
      code: 1,
      stdout: "",
      stderr: `roster: --connector-file ${file} is not valid JSON (at position 58)\n`,
    });
    expect((await attempt("--connector-file", join(files, "missing.json"))).stderr).toMatch(
      /^roster: cannot read .*missing\.json: ENOENT/,
    );

    const both = await attempt("--connector", "{}", "--connector-file", file);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/option '--connector <json>' cannot be used with option '--connector-file <path>'/);
    expect((await live.admin.directories.list({ organization_id: org2.id })).data).toEqual([]);
  });

  it("updates a connector by merging: keys given replace, null removes one, the token left out stays", async () => {
    const dir = await live.admin.directories.create({
      organization_id: org.id,
      name: "Merge",
      type: "scim pull",
      connector: { base_url: "https://idp.example.test/scim/v2", token: TOKEN, page_size: 50, timeout_ms: 5000 },
    });
    const out = await cli.run(
      "directory",
      "update",
      dir.id,
      "--connector",
      '{"page_size": 200, "timeout_ms": null, "max_removal_percent": 50}',
    );
    expect(out).toMatch(new RegExp(`^Updated directory ${dir.id}\\.\\nDirectory ${dir.id}\\n`));
    expect(out).toMatch(
      /^ +connector +\{"base_url":"https:\/\/idp\.example\.test\/scim\/v2","token_set":true,"page_size":200,"max_removal_percent":50\}$/m,
    );

    const file = join(files, "rotate.json");
    await writeFile(file, JSON.stringify({ token: `${TOKEN}-rotated` }));
    const renamed = await cli.json<Directory>(
      "directory",
      "update",
      dir.id,
      "--name",
      "Merged",
      "--connector-file",
      file,
    );
    expect(renamed).toMatchObject({
      name: "Merged",
      connector: {
        base_url: "https://idp.example.test/scim/v2",
        token_set: true,
        page_size: 200,
        max_removal_percent: 50,
      },
    });
    expect(JSON.stringify(renamed)).not.toContain(TOKEN);
  });

  it("says what to pass when update is given nothing to change, and relays the server's refusal of a bad connector", async () => {
    const dir = await live.admin.directories.create({ organization_id: org.id, name: "Plain", type: "csv" });
    expect(await cli.exit("directory", "update", dir.id)).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "roster: nothing to change: pass --name, --domain, --deactivated-members, --attribute-mapping, --role-mapping, --connector or --connector-file\n",
    });
    const refused = await cli.exit("directory", "update", dir.id, "--connector", '{"mapping": {"Login": "nickname"}}');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^roster: The connector settings for "csv" are not valid \(422 validation_error\): connector\.mapping\.Login: must be one of /,
    );
    expect((await cli.json<Directory>("directory", "get", dir.id)).connector?.mapping).toBeUndefined();
  });
});
