import { describe, expect, it } from "vitest";
import { auditCsv, auditCsvStream } from "./audit-csv";

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

describe("auditCsvStream", () => {
  it("writes the same CSV from JSON lines split anywhere, even inside a character", async () => {
    const other = { ...row, event_id: "e2", actor_email: "zoë@example.test", at_ms: 1 };
    const bytes = new TextEncoder().encode(`${JSON.stringify(row)}\n${JSON.stringify(other)}\n`);
    // Cut inside the "ë" (two bytes in UTF-8) and inside the first row.
    const cut = bytes.indexOf(0xc3) + 1;
    async function* chunks() {
      yield bytes.slice(0, 40);
      yield bytes.slice(40, cut);
      yield bytes.slice(cut);
    }
    let csv = "";
    for await (const part of auditCsvStream(chunks())) csv += part;
    expect(csv).toBe(auditCsv([row, { ...row, event_id: "e2", actor_email: "zoë@example.test" }]));
  });
});
