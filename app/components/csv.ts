export type CsvValue = string | number | boolean | null | undefined;

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote (OWASP CSV injection). */
export function toCsv(rows: readonly Record<string, CsvValue>[]): string {
  const first = rows[0];
  if (!first) return "";
  const columns = Object.keys(first);
  const cell = (v: CsvValue) => {
    let s = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s) && typeof v === "string") s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\r\n") + "\r\n";
}
