import { z } from "zod";
import { FIELDS } from "./column-mapping";
import { isTimeZone } from "./parse-timestamp";

/** Options of one import, as the CLI and the Settings page pass them (parsed at this edge). */
export const importOptions = z.object({
  /** Undefined: detected (XML → XES; a CSV header with an activity column → events, else start/end → cases). */
  format: z.enum(["csv-events", "csv-cases", "xes"]).optional(),
  /** Field → column name overrides; other fields are detected from the header. */
  mapping: z.partialRecord(z.enum(FIELDS), z.string().min(1)).default({}),
  delimiter: z.string().length(1).optional(),
  /** Resources whose whole name matches this pattern (case-insensitive) are systems, not people (classify-actor.ts). */
  systemResources: z.string().optional(),
  /** Zone of timestamps written without an offset. */
  timeZone: z.string().refine(isTimeZone, "not an IANA time zone (e.g. UTC, Europe/Amsterdam, America/New_York)").default("UTC"),
  /** How slashed dates are read, for the whole file: `auto` decides from all its values (date-order.ts). */
  dateOrder: z.enum(["auto", "dmy", "mdy"]).default("auto"),
});
export type ImportOptions = z.input<typeof importOptions>;
export type ParsedImportOptions = z.output<typeof importOptions>;
