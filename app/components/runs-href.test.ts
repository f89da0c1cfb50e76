import { describe, expect, it } from "vitest";
import { runFilterFromQuery } from "@/metrics/run-filter";
import { runsHref } from "./runs-href";

describe("runsHref", () => {
  it("writes a list as the key repeated, which the runs page reads back whole", () => {
    const q = new URL(`http://x${runsHref("demo", { workflows: ["a b", "c,d"], straightThrough: true })}`).searchParams;
    expect(q.get("tenant")).toBe("demo");
    const raw: Record<string, string | string[]> = { workflows: q.getAll("workflows"), straightThrough: q.get("straightThrough")! };
    expect(runFilterFromQuery(raw).filter).toEqual({ workflows: ["a b", "c,d"], straightThrough: true });
  });
});
