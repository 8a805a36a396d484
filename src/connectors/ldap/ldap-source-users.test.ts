import { Attribute, Change, Client, SizeLimitExceededError } from "ldapts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ldifEntry, PEOPLE_DN, userDn } from "../../../test/support/directory-ldif.js";
import { type SlapdServer, slapdConnector, startSlapd } from "../../../test/support/slapd.js";
import type { ConnectorSource, SourceItem, SourceUser } from "../source.js";
import { parseLdapConfig } from "./ldap-config.js";
import { createLdapSource } from "./ldap-source.js";

const USERS = 300;
let server: SlapdServer;
const opened: ConnectorSource[] = [];

function source(overrides: Record<string, unknown> = {}, now?: () => Date): ConnectorSource {
  const parsed = parseLdapConfig(slapdConnector(server, overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const created = createLdapSource(parsed.value, now === undefined ? {} : { now });
  opened.push(created);
  return created;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const records = (items: SourceItem<SourceUser>[]) => items.flatMap((i) => (i.kind === "record" ? [i.record] : []));
const signal = () => AbortSignal.timeout(20_000);

beforeAll(async () => {
  server = await startSlapd({
    directory: { users: USERS, groups: 0, membersPerGroup: 0 },
    entries: [
      // a username a filter would read as syntax, if it were not escaped
      ldifEntry(`uid=o*(d)\\5c,${PEOPLE_DN}`, {
        objectClass: "inetOrgPerson",
        uid: "O*(d)\\",
        cn: "Odd",
        sn: "Name",
        mail: ["odd@example.test", "odd.alias@example.test"],
      }),
      // a person without uid: valid under the default mapping (cn), invalid when username is uid only
      ldifEntry(`cn=No Uid,${PEOPLE_DN}`, {
        objectClass: "inetOrgPerson",
        cn: "No Uid",
        sn: "Uid",
        employeeType: "disabled",
      }),
    ],
  });
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await server?.stop();
});

describe("LDAP source: users", () => {
  it("streams every user with the mapped fields, its DN as idpId and entryUUID in raw attributes", async () => {
    const users = records(await collect(source().users({ signal: signal() })));
    expect(users).toHaveLength(USERS + 2);
    const user7 = users.find((u) => u.username === "user7");
    expect(user7).toMatchObject({
      idpId: "uid=user7,ou=people,dc=example,dc=test",
      active: true,
      emails: [{ value: "user7@example.test", type: "work", primary: true }],
      firstName: "Given7",
      lastName: "Surname7",
      jobTitle: "Engineer",
    });
    expect(user7?.rawAttributes).toMatchObject({
      dn: userDn(7),
      employeeNumber: "7",
      modifyTimestamp: "20240101000000Z",
    });
    expect(user7?.rawAttributes.entryUUID).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(users)).not.toContain("password-");
    // no uid: the default mapping falls back to cn
    expect(users.find((u) => u.idpId === "cn=no uid,ou=people,dc=example,dc=test")?.username).toBe("No Uid");
  });

  it("pages: an account capped at 100 entries per search reads all 302 in pages of 50", async () => {
    const limited = { bind_dn: server.limitedDn, password: server.limitedPassword };
    expect(await collect(source({ ...limited, page_size: 50 }).users({ signal: signal() }))).toHaveLength(USERS + 2);
    // the same account without paging stops at 100: the read above really paged
    const unpaged = new Client({ url: server.url, timeout: 10_000 });
    try {
      await unpaged.bind(server.limitedDn, server.limitedPassword);
      await expect(
        unpaged.search(server.baseDn, { filter: "(objectClass=inetOrgPerson)", attributes: ["1.1"] }),
      ).rejects.toBeInstanceOf(SizeLimitExceededError);
    } finally {
      await unpaged.unbind();
    }
  });

  it("reads at most one page ahead of the consumer", async () => {
    const original = Client.prototype.searchPaginated;
    let pages = 0;
    const spy = vi.spyOn(Client.prototype, "searchPaginated").mockImplementation(async function* (
      this: Client,
      ...args: Parameters<Client["searchPaginated"]>
    ) {
      for await (const page of original.apply(this, args)) {
        pages += 1;
        yield page;
      }
    });
    try {
      const iterator = source({ page_size: 50 }).users({ signal: signal() })[Symbol.asyncIterator]();
      for (let i = 0; i < 50; i++) await iterator.next();
      await new Promise((resolve) => setTimeout(resolve, 100)); // time enough to read ahead, if it would
      expect(pages).toBe(2);
      await iterator.next();
      expect(pages).toBeLessThanOrEqual(3);
      let rest = 0;
      while (!(await iterator.next()).done) rest += 1;
      expect(51 + rest).toBe(USERS + 2);
      expect(pages).toBe(7);
    } finally {
      spy.mockRestore();
    }
  });

  it("reports an entry without a username as an invalid record, naming its DN", async () => {
    const items = await collect(source({ attributes: { username: "uid" } }).users({ signal: signal() }));
    const invalid = items.filter((i) => i.kind === "invalid");
    expect(invalid).toEqual([
      { kind: "invalid", ref: `cn=No Uid,${PEOPLE_DN}`, message: expect.stringContaining("no username") },
    ]);
    expect(records(items)).toHaveLength(USERS + 1);
  });

  it("maps active from a boolean-ish attribute, absent meaning active", async () => {
    const users = records(
      await collect(source({ attributes: { active: "employeeType" } }).users({ signal: signal() })),
    );
    expect(users.filter((u) => !u.active).map((u) => u.username)).toEqual(["No Uid"]);
  });

  it("finds one user by username, case-insensitively, with filter characters escaped", async () => {
    const s = source();
    expect((await s.findUser("USER42", signal()))?.idpId).toBe("uid=user42,ou=people,dc=example,dc=test");
    const odd = await s.findUser("o*(D)\\", signal());
    expect(odd?.username).toBe("O*(d)\\");
    expect(odd?.emails.map((e) => e.primary)).toEqual([true, false]);
    expect(await s.findUser("user*", signal())).toBeNull();
    expect(await s.findUser("*", signal())).toBeNull();
    expect(await s.findUser("nobody", signal())).toBeNull();
  });

  it("reads the watermark from the server clock (cn=Monitor), and from its own clock minus a margin without one", async () => {
    const fromServer = await source().watermark(signal());
    expect(fromServer).toMatch(/^\d{14}Z$/);
    // The limited account may not read cn=Monitor and slapd has no root DSE currentTime.
    const fixed = new Date("2030-06-01T12:00:00.000Z");
    expect(
      await source({ bind_dn: server.limitedDn, password: server.limitedPassword }, () => fixed).watermark(signal()),
    ).toBe("20300601115455Z");
  });

  it("delta: after a watermark, only the users modified since are read", async () => {
    const s = source();
    const watermark = await s.watermark(signal());
    expect(watermark).not.toBeNull();
    const admin = await server.admin();
    try {
      await admin.modify(
        userDn(5),
        new Change({ operation: "replace", modification: new Attribute({ type: "title", values: ["Chief"] }) }),
      );
      await admin.modify(
        userDn(250),
        new Change({ operation: "replace", modification: new Attribute({ type: "sn", values: ["Renamed"] }) }),
      );
    } finally {
      await admin.unbind();
    }
    const changed = records(await collect(s.users({ signal: signal(), changedSince: watermark ?? undefined })));
    expect(changed.map((u) => u.username).sort()).toEqual(["user250", "user5"]);
    expect(changed.find((u) => u.username === "user5")?.jobTitle).toBe("Chief");
  });
});
