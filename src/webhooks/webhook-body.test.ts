import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { webhookBody } from "./webhook-body.js";

describe("the webhook body", () => {
  it("is byte for byte what JSON.stringify gives for {id, event, data, created_at}", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.object(), (id, event, data) => {
        const created_at = "2026-01-01T00:00:00.000Z";
        const expected = JSON.stringify({ id, event, data, created_at });
        expect(webhookBody({ id, event, data: JSON.stringify(data), created_at })).toBe(expected);
        expect(JSON.stringify(JSON.parse(expected))).toBe(expected); // what the WorkOS SDK re-serializes
      }),
    );
  });
});
