import { describe, expect, it } from "vitest";
import { formatGeneralizedTime, parseGeneralizedTime } from "./generalized-time.js";

describe("GeneralizedTime", () => {
  it("reads the forms OpenLDAP and AD write", () => {
    expect(parseGeneralizedTime("20240301123045Z")?.toISOString()).toBe("2024-03-01T12:30:45.000Z");
    expect(parseGeneralizedTime("20240301123045.0Z")?.toISOString()).toBe("2024-03-01T12:30:45.000Z");
    expect(parseGeneralizedTime("20240301123045.123456Z")?.toISOString()).toBe("2024-03-01T12:30:45.123Z");
    expect(parseGeneralizedTime("20240301143045+0200")?.toISOString()).toBe("2024-03-01T12:30:45.000Z");
    expect(parseGeneralizedTime("yesterday")).toBeNull();
  });

  it("writes whole seconds in UTC", () => {
    expect(formatGeneralizedTime(new Date("2024-03-01T12:30:45.999Z"))).toBe("20240301123045Z");
  });
});
