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

  it("quotes a value a semicolon-separated spreadsheet would split into a formula", () => {
    const line = auditCsv([{ ...row, detail: "late;=1+1;@A1", input_summary: " =cmd|' /C calc'!A0", actor_email: "\uff1d1+1" }]).split("\r\n")[1] ?? "";
    expect(line).toContain('"late;=1+1;@A1"');
    expect(line).toContain("' =cmd|' /C calc'!A0");
    expect(line).toContain("'\uff1d1+1");
    // Parsed the way a semicolon locale would, no cell starts with a formula character.
    const cells = line.match(/"(?:[^"]|"")*"|[^;,]+/g) ?? [];
    for (const c of cells) expect(c.replace(/^"/, "")).not.toMatch(/^[=+\-@]/);
  });
});
