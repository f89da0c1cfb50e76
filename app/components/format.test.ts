import { describe, expect, it } from "vitest";
import { formatter } from "./format";

describe("formatting a p-value", () => {
  it("never prints a tiny p-value as 0", () => {
    const f = formatter("en-US");
    expect(f.pValue(0)).toBe("< 0.000001");
    expect(f.pValue(3e-9)).toBe("< 0.000001");
    expect(f.pValue(0.00012345)).toBe("0.00012");
    expect(f.pValue(0.0456)).toBe("0.046");
    expect(f.pValue(null)).toBe("—");
  });

  it("uses the reader's decimal separator", () => {
    expect(formatter("de-DE").pValue(3e-9)).toBe("< 0,000001");
    expect(formatter("de-DE").pValue(0.0456)).toBe("0,046");
  });
});
