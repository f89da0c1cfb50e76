export type CsvValue = string | number | boolean | null | undefined;

/**
 * Text a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @ (and their full-width
 * forms, which some spreadsheets accept), tab or CR, after any leading spaces or control characters.
 */
const FORMULA_START = /^[\s\u0000-\u001f]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

/**
 * One RFC 4180 cell. Formula-like text gets a leading quote; a cell is quoted when it holds a quote,
 * a line break, a comma — or a semicolon or tab, because a spreadsheet in a locale whose list
 * separator is ";" splits there, and `late;=1+1;@A1` would become a cell that starts with "=".
 */
export function csvCell(v: CsvValue): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (typeof v === "string" && FORMULA_START.test(s)) s = `'${s}`;
  return /[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV of rows sharing the first row's columns, neutralised cell by cell (csvCell). */
export function toCsv(rows: readonly Record<string, CsvValue>[]): string {
  const first = rows[0];
  if (!first) return "";
  const columns = Object.keys(first);
  return [columns.join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(","))].join("\r\n") + "\r\n";
}
