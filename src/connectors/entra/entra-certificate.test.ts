import { describe, expect, it } from "vitest";
import { EntraStandin, makeCertificate } from "../../../test/support/entra-standin.js";
import { readRecords as all, readSignal, standinForSuite } from "../../../test/support/standin-suite.js";
import type { SourceUser } from "../source.js";
import { checkEntraConfig } from "./entra-config.js";
import { entraKind } from "./entra-kind.js";

const signal = () => readSignal(20_000);

describe("entra id with certificate credentials (a client assertion signed with the certificate's key) against the Entra stand-in", () => {
  const registered = makeCertificate("roster-registered");
  const stranger = makeCertificate("roster-stranger");
  const entra = standinForSuite(new EntraStandin(), (tenant) => {
    tenant.addCertificate(registered.certificate);
    const ada = tenant.addUser({ userPrincipalName: "ada@contoso.test" });
    tenant.addGroup("Engineering", [ada.id]);
  });
  const settings = (cert: { certificate: string; privateKey: string }) => entra.certificateConnector(cert);

  it("gets a token with the certificate (PS256, x5t#S256) and reads the tenant", async () => {
    const source = entraKind.open(settings(registered), {});
    await source.check(signal());
    const users = await all<SourceUser>(source.users({ signal: signal() }));
    expect(users.map((u) => u.username)).toEqual(["ada@contoso.test"]);
    expect(entra.tokensIssued).toBeGreaterThan(0);
  });

  it("a certificate not registered on the app fails as invalid_credentials with Entra's words, never the key", async () => {
    const source = entraKind.open(settings(stranger), {});
    const failure = await source.check(signal()).then(
      () => null,
      (error: unknown) => error as Error & { reason?: string },
    );
    expect(failure).toMatchObject({
      reason: "invalid_credentials",
      message: expect.stringContaining(
        "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application",
      ),
    });
    expect(failure?.message).not.toContain("PRIVATE KEY");
    expect(failure?.message).not.toContain(stranger.privateKey.split("\n")[1]?.slice(0, 24));
  });

  it("the test action reports the certificate's token as the client credentials check", async () => {
    const good = await entraKind.test?.(settings(registered), { signal: signal() });
    expect(good?.[0]).toMatchObject({ name: "client credentials", ok: true });
    const bad = await entraKind.test?.(settings(stranger), { signal: signal() });
    expect(bad?.[0]).toMatchObject({
      name: "client credentials",
      ok: false,
      message: expect.stringContaining("AADSTS700027"),
    });
  });

  it("validates the certificate settings: a secret or a certificate, never both; the key must be the certificate's", () => {
    const fields = (input: Record<string, unknown>) => {
      const checked = checkEntraConfig(input);
      return checked.ok ? [] : checked.errors.map((e) => [e.field, e.code]);
    };
    expect(fields(settings(registered))).toEqual([]);
    expect(fields({ ...settings(registered), client_secret: "s" })).toEqual([["connector.client_secret", "conflict"]]);
    expect(fields({ ...settings(registered), private_key: undefined })).toEqual([
      ["connector.private_key", "required"],
    ]);
    expect(fields({ ...settings(registered), certificate: undefined })).toEqual([
      ["connector.certificate", "required"],
    ]);
    expect(fields({ ...settings(registered), private_key: stranger.privateKey })).toEqual([
      ["connector.private_key", "invalid"],
    ]);
    expect(fields({ ...settings(registered), certificate: "not a certificate" })).toEqual([
      ["connector.certificate", "invalid"],
    ]);
    const checked = checkEntraConfig({ ...settings(registered), private_key: stranger.privateKey });
    expect(JSON.stringify(checked)).not.toContain(stranger.privateKey.split("\n")[1]?.slice(0, 24));
  });

  it("keeps the private key sealed: a secret key of the type, shown only as private_key_set", () => {
    expect(entraKind.secretKeys).toEqual(["client_secret", "private_key"]);
  });
});
