import { describe, expect, it } from "vitest";
import { parseTimestamp, type TimestampOptions } from "./parse-timestamp";

const utc: TimestampOptions = { timeZone: "UTC", dateOrder: "mdy" };
const iso = (text: string, o = utc) => parseTimestamp(text, o)?.toISOString() ?? null;

describe("parseTimestamp", () => {
  it("honours UTC offsets and Z whatever the configured zone", () => {
    const ny = { timeZone: "America/New_York", dateOrder: "mdy" as const };
    expect(iso("2024-06-01T09:00:00+02:00", ny)).toBe("2024-06-01T07:00:00.000Z");
    expect(iso("2024-06-01T09:00:00.5-0530", ny)).toBe("2024-06-01T14:30:00.500Z");
    expect(iso("2024-06-01 09:00Z", ny)).toBe("2024-06-01T09:00:00.000Z");
  });

  it("reads times without an offset as wall time in the configured zone, across daylight saving", () => {
    const ny = { timeZone: "America/New_York", dateOrder: "mdy" as const };
    expect(iso("2024-03-09 23:30", ny)).toBe("2024-03-10T04:30:00.000Z");
    expect(iso("2024-03-10 03:30", ny)).toBe("2024-03-10T07:30:00.000Z");
    expect(iso("2024-07-01 12:00", { timeZone: "Europe/Amsterdam", dateOrder: "dmy" })).toBe("2024-07-01T10:00:00.000Z");
  });

  it("reads slashed and dotted dates in the configured order unless the day is unambiguous", () => {
    expect(iso("02/03/2024 14:05")).toBe("2024-02-03T14:05:00.000Z");
    expect(iso("02/03/2024 14:05", { timeZone: "UTC", dateOrder: "dmy" })).toBe("2024-03-02T14:05:00.000Z");
    expect(iso("25.12.2023 08:00")).toBe("2023-12-25T08:00:00.000Z");
    expect(iso("3/4/2024 2:05 PM")).toBe("2024-03-04T14:05:00.000Z");
  });

  it("reads Unix epochs in seconds and milliseconds", () => {
    expect(iso("1704067200")).toBe("2024-01-01T00:00:00.000Z");
    expect(iso("1704067200123")).toBe("2024-01-01T00:00:00.123Z");
  });

  it("returns null for text that is not a real date", () => {
    expect(iso("yesterday at noon")).toBeNull();
    expect(iso("2024-02-31T10:00:00Z")).toBeNull();
    expect(iso("2024-13-01")).toBeNull();
    expect(iso("")).toBeNull();
  });
});
