import { describe, expect, it } from "vitest";
import { parseFilterDateTime } from "./scim-datetime.js";

describe("parseFilterDateTime", () => {
  it.each([
    ["2011-05-13T04:42:34Z", "2011-05-13T04:42:34.000Z", true],
    ["2011-05-13T04:42:34.5Z", "2011-05-13T04:42:34.500Z", true],
    ["2015-10-10T14:38:21.8617979-07:00", "2015-10-10T21:38:21.861Z", false],
    ["2015-10-10T14:38:21.8610000-07:00", "2015-10-10T21:38:21.861Z", true],
    ["2020-01-01T00:30:00+0100", "2019-12-31T23:30:00.000Z", true],
    ["2020-02-29T12:00:00", "2020-02-29T12:00:00.000Z", true],
    ["2020-02-29", "2020-02-29T00:00:00.000Z", true],
    ["0099-01-01T00:00:00Z", "0099-01-01T00:00:00.000Z", true],
  ])("reads %s as %s", (text, iso, exact) => {
    expect(parseFilterDateTime(text)).toEqual({ iso, exact });
  });

  it.each([
    "yesterday",
    "",
    "2021-02-29T00:00:00Z",
    "2021-13-01T00:00:00Z",
    "2021-01-01T24:00:00Z",
    "2021-01-01T00:00:60Z",
    "2021-01-01T00:00:00+25:00",
    "0000-01-01T00:00:00+01:00",
    "20210101T000000Z",
  ])("refuses %j", (text) => {
    expect(parseFilterDateTime(text)).toBeNull();
  });
});
