import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SourceError, type SourceGroup, type SourceItem, type SourceUser } from "../source.js";
import { createCsvSource, type CsvSourceOptions } from "./csv-source.js";

const signal = () => AbortSignal.timeout(10_000);

async function collect<T>(items: AsyncIterable<SourceItem<T>>): Promise<SourceItem<T>[]> {
  const out: SourceItem<T>[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const records = <T>(items: SourceItem<T>[]): T[] => items.flatMap((i) => (i.kind === "record" ? [i.record] : []));
const invalids = <T>(items: SourceItem<T>[]) =>
  items.flatMap((i) => (i.kind === "invalid" ? [{ ref: i.ref, message: i.message }] : []));

async function read(options: CsvSourceOptions) {
  const source = createCsvSource(options);
  const users = await collect<SourceUser>(source.users({ signal: signal() }));
  const groups = await collect<SourceGroup>(source.groups({ signal: signal() }));
  return { users, groups };
}

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SourceError)) throw new Error(`expected a SourceError, got ${String(error)}`);
  return error;
}

const csv = (...lines: string[]) => `${lines.join("\n")}\n`;

describe("csv source: the default header", () => {
  it("reads users with their names, email, state and extra columns as raw attributes", async () => {
    const { users } = await read({
      text: csv(
        "username,email,first_name,last_name,state,groups,department",
        "Ada,ada@example.com,Ada,Lovelace,active,Engineering;Everyone,R&D",
        "grace,grace@example.com,Grace,Hopper,,Everyone,",
        "ken,ken@example.com,Ken,Thompson,inactive,,Unix",
      ),
    });
    expect(invalids(users)).toEqual([]);
    expect(records(users)).toEqual([
      {
        idpId: "ada",
        username: "Ada",
        active: true,
        emails: [{ value: "ada@example.com", type: "work", primary: true }],
        firstName: "Ada",
        lastName: "Lovelace",
        jobTitle: null,
        rawAttributes: { department: "R&D" },
      },
      expect.objectContaining({ idpId: "grace", active: true, rawAttributes: {} }),
      expect.objectContaining({ idpId: "ken", active: false, rawAttributes: { department: "Unix" } }),
    ]);
  });

  it.each([
    ["active", true],
    ["Inactive", false],
    ["TRUE", true],
    ["false", false],
    ["1", true],
    ["0", false],
    ["", true],
  ])("reads state %j as active=%s", async (state, active) => {
    const { users } = await read({ text: csv("username,state", `ada,${state}`) });
    expect(records(users)[0]?.active).toBe(active);
  });

  it("derives groups from the groups column: keyed by lower-cased name, members by user idp id", async () => {
    const { groups } = await read({
      text: csv(
        "username,groups",
        "ada,Engineering; Everyone",
        "grace,everyone;;",
        "ken,",
        "linus,ENGINEERING;Kernel;kernel",
      ),
    });
    expect(records(groups).map((g) => ({ ...g, memberIdpIds: [...g.memberIdpIds].sort() }))).toEqual([
      { idpId: "engineering", name: "Engineering", rawAttributes: {}, memberIdpIds: ["ada", "linus"] },
      { idpId: "everyone", name: "Everyone", rawAttributes: {}, memberIdpIds: ["ada", "grace"] },
      { idpId: "kernel", name: "Kernel", rawAttributes: {}, memberIdpIds: ["linus"] },
    ]);
  });

  it("keys users by an id or external_id column when the file has one", async () => {
    const byId = await read({ text: csv("id,username,groups", "E-1,ada,Staff", ",grace,Staff") });
    expect(records(byId.users).map((u) => u.idpId)).toEqual(["E-1"]);
    expect(invalids(byId.users)).toEqual([{ ref: "line 3", message: "id is missing" }]);
    expect(records(byId.groups)[0]?.memberIdpIds).toEqual(["E-1"]);
    const byExternal = await read({ text: csv("username,external_id", "ada,x-9") });
    expect(records(byExternal.users)[0]?.idpId).toBe("x-9");
  });
});

describe("csv source: rows it cannot read", () => {
  it("fails each bad row alone, naming its real line", async () => {
    const { users, groups } = await read({
      text: csv(
        "username,email,first_name,last_name,state,groups",
        "ada,ada@example.com,Ada,L,active,Staff",
        ",nobody@example.com,No,Body,active,Staff",
        "bob,not-an-email,Bob,B,active,Staff",
        "carol,carol@example.com,Carol,C,maybe,Staff",
        "dave,dave@example.com,Dave",
        "",
        "ADA,ada2@example.com,Ada,Again,active,Other",
        "erin,erin@example.com,Erin,E,0,Staff",
      ),
    });
    expect(records(users).map((u) => u.username)).toEqual(["ada", "erin"]);
    expect(invalids(users)).toEqual([
      { ref: "line 3", message: "username is missing" },
      { ref: "line 4", message: '"not-an-email" is not an email address' },
      { ref: "line 5", message: 'state "maybe" is not one of active, inactive, true, false, 1, 0' },
      { ref: "line 6", message: "expected 6 fields as in the header, found 3" },
      { ref: "line 8", message: 'repeats the user of line 2 ("ada")' },
    ]);
    // Rows that failed bring no memberships.
    expect(records(groups).map((g) => [g.name, g.memberIdpIds])).toEqual([["Staff", ["ada", "erin"]]]);
  });

  it("handles a BOM, CRLF, and quoted fields holding commas, quotes and line breaks, counting lines right", async () => {
    const text = [
      "\uFEFFusername,email,first_name,last_name,state,groups,notes",
      'ada,ada@example.com,"Ada, Countess",Lovelace,active,"Engineering;Everyone","said ""hi""\r\nthen left"',
      "",
      'grace,grace@example.com,Grace,"Hop\r\nper",active,Everyone,',
      "bad,bad,Bad,Row,active,,",
    ].join("\r\n");
    const { users, groups } = await read({ text });
    expect(records(users)).toEqual([
      expect.objectContaining({
        username: "ada",
        firstName: "Ada, Countess",
        rawAttributes: { notes: 'said "hi"\r\nthen left' },
      }),
      expect.objectContaining({ username: "grace", lastName: "Hop\r\nper" }),
    ]);
    expect(invalids(users)).toEqual([{ ref: "line 7", message: '"bad" is not an email address' }]);
    expect(records(groups).map((g) => g.name)).toEqual(["Engineering", "Everyone"]);
  });

  it("counts lines right across the slices a large upload is fed in", async () => {
    const rows = ["username,email,notes"];
    for (let i = 0; i < 20_000; i++)
      rows.push(i % 1000 === 0 ? `user${i},u${i}@example.com,"two\nlines"` : `user${i},u${i}@example.com,x`);
    rows.push("last,broken,x");
    const { users } = await read({ text: Buffer.from(csv(...rows)) });
    expect(records(users)).toHaveLength(20_000);
    // 20,000 rows, 20 of them two lines long, after the header: the bad row is on line 20,022.
    expect(invalids(users)).toEqual([{ ref: "line 20022", message: '"broken" is not an email address' }]);
  });

  it("keeps characters whole where a large upload is sliced, as a string or as bytes", async () => {
    for (const pad of [65_533, 65_534, 65_535]) {
      const text = csv("username,notes", `ada,${"a".repeat(pad - 19)}😀é😀`);
      for (const input of [text, Buffer.from(text)]) {
        const { users } = await read({ text: input });
        expect(String(records(users)[0]?.rawAttributes.notes).slice(-5)).toBe("😀é😀");
      }
    }
  });

  it("fails the source on text that is not CSV (an unclosed quote)", async () => {
    const error = await failure(
      collect(
        createCsvSource({ text: csv("username,email", "ada,ada@example.com", 'bob,"bob@example.com') }).users({
          signal: signal(),
        }),
      ),
    );
    expect(error.reason).toBe("bad_response");
    expect(error.message).toMatch(/^the uploaded CSV is not valid CSV: Quote Not Closed/);
  });

  it("is misconfigured when the file is empty or has no username column", async () => {
    expect(await failure(createCsvSource({ text: "" }).check(signal()))).toMatchObject({
      reason: "misconfigured",
      message: expect.stringMatching(/empty/),
    });
    const noUser = await failure(createCsvSource({ text: csv("email,first_name", "a@example.com,A") }).check(signal()));
    expect(noUser).toMatchObject({ reason: "misconfigured", message: expect.stringMatching(/no "username" column/) });
    const twice = await failure(createCsvSource({ text: csv("username,Email,email") }).check(signal()));
    expect(twice.message).toMatch(/names the column "email" twice/);
  });
});

describe("csv source: a mapping", () => {
  const mapping = { Login: "username", Mail: "email", Team: "groups", Given: "first_name" } as const;

  it("reads renamed columns as Roster fields, CSV column → Roster field", async () => {
    const { users, groups } = await read({
      text: csv("Login,Mail,Given,Team,username", "ada,ada@example.com,Ada,Staff,ignored"),
      mapping,
    });
    expect(records(users)).toEqual([
      expect.objectContaining({
        idpId: "ada",
        username: "ada",
        firstName: "Ada",
        emails: [expect.objectContaining({ value: "ada@example.com" })],
        rawAttributes: { username: "ignored" },
      }),
    ]);
    expect(records(groups).map((g) => g.idpId)).toEqual(["staff"]);
  });

  it("is misconfigured when the file lacks the column mapped to username, naming it", async () => {
    const error = await failure(
      createCsvSource({ text: csv("username,Mail", "ada,a@example.com"), mapping }).check(signal()),
    );
    expect(error.reason).toBe("misconfigured");
    expect(error.message).toMatch(/no "Login" column, which the mapping reads as username/);
  });
});

describe("csv source: a file on disk", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "roster-csv-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("streams the file, and groups() reads it again when users() has not run", async () => {
    const path = join(dir, "people.csv");
    await writeFile(
      path,
      csv("username,email,groups", "ada,ada@example.com,Staff", "grace,grace@example.com,Staff;Navy"),
    );
    const source = createCsvSource({ path });
    await source.check(signal());
    const groups = records(await collect(source.groups({ signal: signal() })));
    expect(groups.map((g) => [g.idpId, g.memberIdpIds])).toEqual([
      ["staff", ["ada", "grace"]],
      ["navy", ["grace"]],
    ]);
    expect(records(await collect(source.users({ signal: signal() }))).map((u) => u.idpId)).toEqual(["ada", "grace"]);
  });

  it("finds one user by username, case-insensitively", async () => {
    const path = join(dir, "find.csv");
    await writeFile(
      path,
      csv("username,email,state", "ada,ada@example.com,", "bob,bad-email,active", "grace,grace@example.com,inactive"),
    );
    const source = createCsvSource({ path });
    expect(await source.findUser("GRACE", signal())).toMatchObject({ idpId: "grace", active: false });
    expect(await source.findUser("nobody", signal())).toBeNull();
    expect(await failure(source.findUser("bob", signal()))).toMatchObject({
      reason: "bad_response",
      message: expect.stringMatching(/^line 3: /),
    });
  });

  it("is misconfigured for a path with no file, or a directory", async () => {
    const missing = await failure(createCsvSource({ path: join(dir, "nope.csv") }).check(signal()));
    expect(missing).toMatchObject({ reason: "misconfigured", message: `No CSV file at ${join(dir, "nope.csv")}` });
    const directory = await failure(createCsvSource({ path: dir }).check(signal()));
    expect(directory).toMatchObject({ reason: "misconfigured", message: expect.stringMatching(/is a directory/) });
  });

  it("stops reading when the run is cancelled", async () => {
    const path = join(dir, "big.csv");
    await writeFile(path, csv("username", ...Array.from({ length: 50_000 }, (_, i) => `user${i}`)));
    const controller = new AbortController();
    let seen = 0;
    const reading = (async () => {
      for await (const _ of createCsvSource({ path }).users({ signal: controller.signal })) {
        if (++seen === 10) controller.abort(new Error("run cancelled"));
      }
    })();
    await expect(reading).rejects.toThrow("run cancelled");
    expect(seen).toBeLessThan(50_000);
  });
});
