import { ImportFileError } from "./baseline-event";
import type { OrderHint } from "./date-order";

/** The fields a CSV column can map to. Event logs need case, activity and time; case lists case, start and end. */
export const FIELDS = ["caseId", "activity", "timestamp", "startTimestamp", "lifecycle", "resource", "role", "humanMinutes", "start", "end", "outcome"] as const;
export type Field = (typeof FIELDS)[number];
export type ColumnMapping = Partial<Record<Field, string>>;

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * Header names seen in practice-management, EHR and ticketing exports and in process-mining tools
 * (Disco, Celonis, pm4py CSVs: `case:concept:name`, `time:timestamp`), normalised to lowercase
 * alphanumerics. The first field whose list contains a header claims it.
 */
const SYNONYMS: Record<Field, string[]> = {
  caseId: ["caseid", "case", "caseconceptname", "casenumber", "caseno", "matterid", "matter", "matternumber", "ticketid", "ticket", "ticketnumber", "incidentid", "incident", "encounterid", "encounter", "requestid", "claimid", "processinstance", "instanceid"],
  activity: ["activity", "activityname", "conceptname", "eventname", "event", "task", "taskname", "step", "action"],
  timestamp: ["timestamp", "timetimestamp", "time", "datetime", "eventtime", "completetimestamp", "completetime", "completedat", "date"],
  startTimestamp: ["starttimestamp", "starttimestamps"],
  lifecycle: ["lifecycle", "lifecycletransition", "transition", "eventtype"],
  resource: ["resource", "orgresource", "user", "username", "performer", "assignee", "agent", "owner", "handledby", "staff"],
  role: ["role", "orgrole", "orggroup", "group", "team", "department"],
  humanMinutes: ["humanminutes", "workflowhumanminutes", "minutes", "effortminutes", "workminutes", "timespentminutes", "timespent", "handlingminutes", "touchminutes"],
  start: ["start", "starttime", "startdate", "startedat", "opened", "openedat", "opendate", "created", "createdat", "createddate", "received", "receivedat"],
  end: ["end", "endtime", "enddate", "endedat", "closed", "closedat", "closedate", "resolved", "resolvedat", "completed", "finished", "finishedat"],
  outcome: ["outcome", "result", "resolution", "status", "closurecode", "disposition"],
};

export type MappingProblem =
  | { kind: "missing"; fields: Field[]; singleColumn: boolean }
  | { kind: "unknown-column"; field: Field; column: string };

/** How a user names a column: a CLI flag, or the upload form's column choices. */
const NAME_IT: Record<OrderHint, (f: string) => string> = {
  cli: () => 'Name it with --map "<column>=<field>".',
  form: (f) => `Choose the column for ${f} under "Columns" and preview again.`,
};

/**
 * The header does not give a column for a required field, or a chosen column is not in it. Carries
 * the header so the upload form can offer its columns to choose from.
 */
export class ColumnMappingError extends ImportFileError {
  constructor(
    readonly problem: MappingProblem,
    readonly headers: string[],
    line?: number,
  ) {
    super(mappingMessage(problem, headers, "cli"), line);
    this.name = "ColumnMappingError";
  }

  messageFor(hint: OrderHint): string {
    const text = mappingMessage(this.problem, this.headers, hint);
    return this.line === undefined ? text : `line ${this.line}: ${text}`;
  }
}

function mappingMessage(p: MappingProblem, headers: string[], hint: OrderHint): string {
  if (p.kind === "unknown-column") {
    const given = hint === "cli" ? "--map names" : "The form names";
    return `${given} column "${p.column}" for ${p.field}, but the header has: ${headers.join(", ")}`;
  }
  const single = p.singleColumn ? " The header has a single column: is the file CSV, and is the delimiter right?" : "";
  return `No column found for ${p.fields.join(", ")} in the header (${headers.map((h) => JSON.stringify(h)).join(", ")}). ${NAME_IT[hint](p.fields.join(", "))}${single}`;
}

/** Picks a column for each field from the header; explicit overrides win and must name real columns. */
export function detectMapping(headers: readonly string[], overrides: ColumnMapping = {}): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<string>();
  for (const [field, column] of Object.entries(overrides) as [Field, string][]) {
    if (!headers.includes(column)) {
      throw new ColumnMappingError({ kind: "unknown-column", field, column }, [...headers], 1);
    }
    mapping[field] = column;
    taken.add(column);
  }
  for (const field of FIELDS) {
    if (mapping[field]) continue;
    const hit = SYNONYMS[field].map((syn) => headers.find((h) => !taken.has(h) && norm(h) === syn)).find((h) => h !== undefined);
    if (hit !== undefined) {
      mapping[field] = hit;
      taken.add(hit);
    }
  }
  return mapping;
}

/** Parses `--map "Matter No=caseId,Opened=start"` (column=field, column names may contain spaces). */
export function parseMapOption(text: string | undefined): ColumnMapping {
  const out: ColumnMapping = {};
  if (!text) return out;
  for (const pair of text.split(",")) {
    const eq = pair.lastIndexOf("=");
    const column = pair.slice(0, eq).trim();
    const field = pair.slice(eq + 1).trim();
    if (eq <= 0 || !column) throw new ImportFileError(`--map expects column=field pairs, got "${pair}"`);
    if (!(FIELDS as readonly string[]).includes(field)) throw new ImportFileError(`--map: unknown field "${field}"; fields are ${FIELDS.join(", ")}`);
    out[field as Field] = column;
  }
  return out;
}
