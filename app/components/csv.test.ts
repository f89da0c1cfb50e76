import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes commas, quotes and newlines and leaves empty cells for missing values", () => {
    expect(toCsv([{ a: 'say "hi", then', b: null, c: 3 }])).toBe('a,b,c\r\n"say ""hi"", then",,3\r\n');
  });

  it("defuses text a spreadsheet would run as a formula but keeps negative numbers", () => {
    expect(toCsv([{ a: "=SUM(A1)", b: -2 }])).toBe("a,b\r\n'=SUM(A1),-2\r\n");
  });

  it("returns nothing for no rows", () => {
    expect(toCsv([])).toBe("");
  });
});
