import { createHash, createPublicKey, type JsonWebKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDpopKey, jwkThumbprint } from "./dpop-proof.js";

function decode(jwt: string) {
  const [h, p, s] = jwt.split(".") as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, "base64url").toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>,
    input: Buffer.from(`${h}.${p}`),
    signature: Buffer.from(s, "base64url"),
  };
}

describe("DPoP proofs (RFC 9449 §4.2)", () => {
  it("carry the public key only, the method and the URL without its query, and verify with that key (ES256, R || S)", () => {
    const key = createDpopKey(() => 1_700_000_000_000);
    const proof = decode(key.proof("get", "https://acme.okta.com/api/v1/users?limit=200&after=00u1#x"));
    expect(proof.header).toMatchObject({ typ: "dpop+jwt", alg: "ES256", jwk: { kty: "EC", crv: "P-256" } });
    expect(proof.header.jwk).not.toHaveProperty("d");
    expect(proof.payload).toMatchObject({ htm: "GET", htu: "https://acme.okta.com/api/v1/users", iat: 1_700_000_000 });
    expect(proof.payload).not.toHaveProperty("ath");
    expect(proof.payload).not.toHaveProperty("nonce");
    const publicKey = createPublicKey({ key: proof.header.jwk as JsonWebKey, format: "jwk" });
    expect(verify("sha256", proof.input, { key: publicKey, dsaEncoding: "ieee-p1363" }, proof.signature)).toBe(true);
    expect(proof.signature).toHaveLength(64);
    expect(jwkThumbprint(proof.header.jwk as JsonWebKey)).toBe(key.thumbprint);
  });

  it("bind a request to the access token (ath) and carry the server's nonce; every proof has its own jti", () => {
    const key = createDpopKey();
    const first = decode(
      key.proof("GET", "https://acme.okta.com/api/v1/groups", { accessToken: "abc.def", nonce: "n-1" }),
    ).payload;
    const second = decode(key.proof("GET", "https://acme.okta.com/api/v1/groups", { accessToken: "abc.def" })).payload;
    expect(first.ath).toBe(createHash("sha256").update("abc.def").digest("base64url"));
    expect(first.nonce).toBe("n-1");
    expect(first.jti).not.toBe(second.jti);
  });

  it("computes the JWK thumbprint over the required members in order (RFC 7638 §3.2), whatever else the key holds", () => {
    const jwk = { kty: "EC", crv: "P-256", x: "x-value", y: "y-value", kid: "ignored", use: "sig" };
    expect(jwkThumbprint(jwk)).toBe(
      createHash("sha256").update('{"crv":"P-256","kty":"EC","x":"x-value","y":"y-value"}').digest("base64url"),
    );
  });
});
