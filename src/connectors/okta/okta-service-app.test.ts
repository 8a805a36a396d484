import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OktaStandin, type StandinServiceApp } from "../../../test/support/okta-standin.js";
import { LONG_AGO, readRecords as all, readSignal, standinForSuite } from "../../../test/support/standin-suite.js";
import type { SourceUser } from "../source.js";
import { checkOktaConfig, type OktaServiceAppConfig } from "./okta-config.js";
import { oktaKind } from "./okta-kind.js";
import { createOktaSource } from "./okta-source.js";

const signal = () => readSignal(20_000);

describe("okta api with an OAuth 2.0 service app (private-key JWT) against the Okta stand-in", () => {
  const okta = standinForSuite(new OktaStandin(), (org) => {
    for (let i = 0; i < 250; i++) org.addUser({ login: `user${i}@acme.test` }, "ACTIVE", LONG_AGO);
    org.addGroup("Eng", [...org.users.keys()].slice(0, 3), "OKTA_GROUP", LONG_AGO);
  });

  const configOf = (app: StandinServiceApp, change: Partial<OktaServiceAppConfig> = {}): OktaServiceAppConfig => ({
    ...okta.serviceAppConnector(app),
    ...change,
  });

  it("gets a DPoP-bound token (learning that the app requires DPoP, then taking Okta's nonce) and reads users and groups with it", async () => {
    const app = okta.addServiceApp();
    const answersBefore = okta.tokenAnswers.length;
    const source = createOktaSource(configOf(app));
    await source.check(signal());
    const users = await all<SourceUser>(source.users({ signal: signal() }));
    expect(users).toHaveLength(250);
    const groups = await all(source.groups({ signal: signal() }));
    expect(groups.map((g) => g.name)).toEqual(["Eng"]);
    // One token for the whole run: no proof → invalid_dpop_proof; a proof without nonce → use_dpop_nonce; then issued.
    expect(okta.tokenAnswers.slice(answersBefore)).toEqual(["invalid_dpop_proof", "use_dpop_nonce", "issued DPoP"]);
  });

  it("takes the private key as the JWK Okta's console shows (its kid sent along) and uses Bearer tokens when the app does not require DPoP", async () => {
    const app = okta.addServiceApp({ requireDpop: false });
    const answersBefore = okta.tokenAnswers.length;
    const source = createOktaSource(configOf(app, { private_key: JSON.stringify(app.privateJwk) }));
    expect(await all<SourceUser>(source.users({ signal: signal() }))).toHaveLength(250);
    expect(okta.tokenAnswers.slice(answersBefore)).toEqual(["issued Bearer"]);
    // The stand-in refuses an assertion whose kid is not the app's: the JWK's kid was sent.
    const wrongKid = createOktaSource(
      configOf(app, { private_key: JSON.stringify(app.privateJwk), key_id: "not-the-kid" }),
    );
    await expect(wrongKid.check(signal())).rejects.toMatchObject({
      reason: "invalid_credentials",
      message: expect.stringContaining("The client_assertion signature is invalid. (invalid_client)"),
    });
  });

  it("gets a new token when the one it holds expires mid-run, and goes on where it was", async () => {
    const app = okta.addServiceApp();
    const source = createOktaSource(configOf(app));
    const answersBefore = okta.tokenAnswers.length;
    const seen: string[] = [];
    for await (const item of source.users({ signal: signal() })) {
      if (item.kind === "record") seen.push(item.record.idpId);
      // After the first page, every token Okta issued expires.
      if (seen.length === 200) okta.expireAccessTokens();
    }
    expect(new Set(seen).size).toBe(250);
    expect(okta.tokenAnswers.slice(answersBefore).filter((a) => a.startsWith("issued"))).toEqual([
      "issued DPoP",
      "issued DPoP",
    ]);
  });

  it("answers an API that asks its DPoP proofs for a nonce (use_dpop_nonce), with the same token", async () => {
    const app = okta.addServiceApp();
    okta.resourceNonce = true;
    try {
      okta.rotateDpopNonce();
      const answersBefore = okta.tokenAnswers.length;
      const source = createOktaSource(configOf(app));
      expect(await all<SourceUser>(source.users({ signal: signal() }))).toHaveLength(250);
      expect(okta.tokenAnswers.slice(answersBefore).filter((a) => a.startsWith("issued"))).toEqual(["issued DPoP"]);
    } finally {
      okta.resourceNonce = false;
    }
  });

  it("fails a run with invalid_credentials and Okta's words when the key is not the app's, never quoting the key", async () => {
    const app = okta.addServiceApp();
    const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    const source = createOktaSource(configOf(app, { private_key: stranger }));
    const failure = await source.check(signal()).then(
      () => null,
      (error: unknown) => error as Error & { reason?: string },
    );
    expect(failure).toMatchObject({ reason: "invalid_credentials" });
    expect(failure?.message).toContain("answered 401: The client_assertion signature is invalid. (invalid_client)");
    expect(failure?.message).not.toContain("PRIVATE KEY");
    expect(failure?.message).not.toContain(stranger.split("\n")[1]?.slice(0, 20));
  });

  it("the test action names a scope the app was not granted, and passes every check when all are", async () => {
    const partial = okta.addServiceApp({ scopes: ["okta.users.read"] });
    const checks = await oktaKind.test(configOf(partial) as unknown as Record<string, unknown>, { signal: signal() });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["token_url reachable", true],
      ["client assertion accepted", true],
      ["okta.users.read", true],
      ["okta.groups.read", false],
    ]);
    expect(checks[3]?.message).toMatch(
      /^okta\.groups\.read is not granted to the service app .*invalid_scope.*grant it on the app's Okta API Scopes tab$/,
    );
    const full = okta.addServiceApp();
    const ok = await oktaKind.test(configOf(full) as unknown as Record<string, unknown>, { signal: signal() });
    expect(ok.every((c) => c.ok)).toBe(true);
  });

  it("the test action reports a refused key as the client assertion, and checks no scope", async () => {
    const app = okta.addServiceApp();
    const other = okta.addServiceApp();
    const checks = await oktaKind.test(
      configOf(app, { private_key: other.privatePem }) as unknown as Record<string, unknown>,
      { signal: signal() },
    );
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["token_url reachable", true],
      ["client assertion accepted", false],
      ["okta.users.read", false],
      ["okta.groups.read", false],
    ]);
    expect(checks[1]?.message).toContain("invalid_client");
    expect(checks[2]?.message).toBe("not checked: the client assertion was refused");
  });

  it("validates the service-app settings: a key or a token, never both; the key must be an RSA private key", () => {
    const app = okta.addServiceApp();
    expect(checkOktaConfig(configOf(app)).ok).toBe(true);
    const errors = (input: Record<string, unknown>) => {
      const checked = checkOktaConfig(input);
      return checked.ok ? [] : checked.errors.map((e) => [e.field, e.code]);
    };
    expect(errors({ org_url: okta.orgUrl, token: "t", client_id: app.clientId, private_key: app.privatePem })).toEqual([
      ["connector.token", "conflict"],
    ]);
    expect(errors({ org_url: okta.orgUrl, client_id: app.clientId })).toEqual([["connector.private_key", "required"]]);
    expect(errors({ org_url: okta.orgUrl, private_key: app.privatePem })).toEqual([
      ["connector.client_id", "required"],
    ]);
    expect(errors({ org_url: okta.orgUrl, token: "t", key_id: "k" })).toEqual([["connector.key_id", "conflict"]]);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    const { d: _d, ...publicJwk } = app.privateJwk;
    for (const bad of ["not a key", ec, JSON.stringify(publicJwk), "{oops"]) {
      const checked = checkOktaConfig(configOf(app, { private_key: bad }));
      expect(checked.ok).toBe(false);
      if (!checked.ok) {
        expect(checked.errors[0]?.field).toBe("connector.private_key");
        expect(checked.errors[0]?.message).not.toContain(bad.slice(0, 30));
      }
    }
    expect(errors({ ...configOf(app), token_url: "https://acme.okta.com/oauth2/v1/token?x=1" })).toEqual([
      ["connector.token_url", "invalid_url"],
    ]);
  });
});
