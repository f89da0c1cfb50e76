import { describe, expect, it } from "vitest";
import { auditCsv } from "./audit-csv";

const row = {
  time: "2026-01-02 03:04:05.678",
  event_id: "e1",
  actor_id: "u1",
  actor_email: "a@example.test",
  kind: "read",
  action: "audit.list",
  input_summary: '{"tenant":"acme","note":"a, b"}',
  result: "ok",
  detail: "=HYPERLINK(\"x\")",
  ip: "203.0.113.9",
};

describe("auditCsv", () => {
  it("writes a header and one quoted line per event", () => {
    const [header, line] = auditCsv([row]).split("\r\n");
    expect(header).toBe("time,event_id,actor_id,actor_email,kind,action,input_summary,result,detail,ip");
    expect(line).toContain('"{""tenant"":""acme"",""note"":""a, b""}"');
  });

  it("neutralises cells a spreadsheet would run as formulas", () => {
    expect(auditCsv([row])).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
