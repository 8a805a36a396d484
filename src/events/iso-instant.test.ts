import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseEventRange } from "./event-range.js";
import { parseIsoInstant } from "./iso-instant.js";

describe("parseIsoInstant", () => {
  it("gives back every stored timestamp unchanged", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }),
        (date) => {
          expect(parseIsoInstant(date.toISOString())).toEqual({ ok: true, value: date.toISOString() });
        },
      ),
    );
  });

  it.each([
    ["2030-01-01", "2030-01-01T00:00:00.000Z"],
    ["2030-01-01T10:00", "2030-01-01T10:00:00.000Z"],
    ["2030-01-01T10:00:00", "2030-01-01T10:00:00.000Z"],
    ["2030-01-01 10:00:00.5", "2030-01-01T10:00:00.500Z"],
    ["2030-01-01T12:00:00+02:00", "2030-01-01T10:00:00.000Z"],
    ["2030-01-01T12:00:00 02:00", "2030-01-01T10:00:00.000Z"],
    ["2030-01-01T05:30:00-0430", "2030-01-01T10:00:00.000Z"],
    ["2030-01-01T00:30:00+01", "2029-12-31T23:30:00.000Z"],
    ["2030-01-01T10:00:00.0001Z", "2030-01-01T10:00:00.001Z"],
    ["2028-02-29T00:00:00Z", "2028-02-29T00:00:00.000Z"],
  ])("reads %s as %s (UTC unless an offset says otherwise)", (text, iso) => {
    expect(parseIsoInstant(text)).toEqual({ ok: true, value: iso });
  });

  it.each([
    "",
    "yesterday",
    "1735689600",
    "2030-1-1",
    "2030-13-01",
    "2030-02-30",
    "2029-02-29",
    "2030-01-01T24:00:00Z",
    "2030-01-01T10:61",
    "2030-01-01T10:00:00+25:00",
    "2030-01-01T10:00:00Q",
  ])("refuses %j", (text) => {
    expect(parseIsoInstant(text).ok).toBe(false);
  });
});

describe("parseEventRange", () => {
  it("names each bad bound, and a range that ends before it starts", () => {
    expect(parseEventRange("soon", "later")).toEqual({
      ok: false,
      error: [
        expect.objectContaining({ field: "range_start", code: "format" }),
        expect.objectContaining({ field: "range_end", code: "format" }),
      ],
    });
    expect(parseEventRange("2030-01-02", "2030-01-01")).toEqual({
      ok: false,
      error: [expect.objectContaining({ field: "range_end", code: "range" })],
    });
    expect(parseEventRange("2030-01-01", "2030-01-01")).toEqual({
      ok: true,
      value: { rangeStart: "2030-01-01T00:00:00.000Z", rangeEnd: "2030-01-01T00:00:00.000Z" },
    });
    expect(parseEventRange(undefined, undefined)).toEqual({
      ok: true,
      value: { rangeStart: undefined, rangeEnd: undefined },
    });
  });
});
