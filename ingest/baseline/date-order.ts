import { ImportFileError } from "./baseline-event";

/** Day first (`13/03/2025` is 13 March) or month first (`03/13/2025`). */
export type DateOrder = "dmy" | "mdy";

/** Where the user is told how to choose the order: a CLI flag or the upload form's field. */
export type OrderHint = "cli" | "form";

const CHOOSE: Record<OrderHint, string> = {
  cli: "pass --date-order dmy (day first) or --date-order mdy (month first)",
  form: 'choose "Day first" or "Month first" under "Date order" and upload again',
};

const NAME: Record<DateOrder, string> = { dmy: "day first", mdy: "month first" };

/**
 * What the slashed and dotted dates of one file say about their order: a first field above 12 can
 * only be a day, a second field above 12 only a day too (so the first is the month). Values such as
 * `05/04/2025` fit both orders; `05/05/2025` reads the same either way and says nothing.
 */
export class DateOrderEvidence {
  /** First value that only day-first reads, and how many. */
  dmy: { example: string; count: number } | null = null;
  mdy: { example: string; count: number } | null = null;
  /** Values both orders read, differently. */
  ambiguous: { example: string; count: number } | null = null;

  see(first: number, second: number, text: string): void {
    const key = first > 12 ? "dmy" : second > 12 ? "mdy" : first !== second ? "ambiguous" : null;
    if (key === null) return;
    const slot = this[key];
    if (slot) slot.count += 1;
    else this[key] = { example: text, count: 1 };
  }
}

export type DateOrderProblem =
  | { kind: "ambiguous"; example: string; count: number }
  | { kind: "contradiction"; dmy: string; mdy: string }
  | { kind: "contradicts-given"; given: DateOrder; example: string }
  | { kind: "needs-reread"; order: DateOrder; example: string };

/** A file whose dates cannot be read one way: nothing is imported, and the message says how to choose. */
export class DateOrderError extends ImportFileError {
  constructor(readonly problem: DateOrderProblem) {
    super(dateOrderMessage(problem, "cli"));
    this.name = "DateOrderError";
  }

  /** The same message for another place to choose from (the Settings upload has no flags). */
  messageFor(hint: OrderHint): string {
    return dateOrderMessage(this.problem, hint);
  }
}

export function dateOrderMessage(p: DateOrderProblem, hint: OrderHint): string {
  switch (p.kind) {
    case "ambiguous":
      return (
        `Dates like "${p.example}" fit both day-first and month-first order (${p.count.toLocaleString("en-US")} such values, ` +
        `and none that only one order can read), so the file is not imported: ${CHOOSE[hint]}.`
      );
    case "contradiction":
      return (
        `The file's dates contradict each other: "${p.dmy}" can only be day first, "${p.mdy}" only month first. ` +
        "Nothing was imported; correct the export so that all dates use one order."
      );
    case "contradicts-given":
      return (
        `The date order was given as ${NAME[p.given]}, but "${p.example}" can only be read ${NAME[p.given === "dmy" ? "mdy" : "dmy"]}. ` +
        `Nothing was imported; check the export, or ${CHOOSE[hint]}.`
      );
    case "needs-reread":
      return (
        `The file's dates are ${NAME[p.order]} (e.g. "${p.example}"), but a streamed file cannot be read a second time ` +
        `to read the others that way: ${CHOOSE[hint]}.`
      );
  }
}

/**
 * The one order of a file, from all of its values. With a given order, a value that only the other
 * order reads refuses the file (reading the rest the given way would misdate them). With none: the
 * evidence decides; both orders possible or both needed refuses the file. `reread` is true when the
 * provisional reading (month first, parse-timestamp.ts) misdated ambiguous values, so the file must be
 * read again in the decided order. `order` is null when the file has no ambiguous slashed dates.
 */
export function decideDateOrder(e: DateOrderEvidence, given: DateOrder | "auto"): { order: DateOrder | null; reread: boolean } {
  if (e.dmy && e.mdy) throw new DateOrderError({ kind: "contradiction", dmy: e.dmy.example, mdy: e.mdy.example });
  if (given !== "auto") {
    const against = given === "mdy" ? e.dmy : e.mdy;
    if (against) throw new DateOrderError({ kind: "contradicts-given", given, example: against.example });
    return { order: given, reread: false };
  }
  if (e.dmy) return { order: "dmy", reread: e.ambiguous !== null };
  if (e.mdy) return { order: "mdy", reread: false };
  if (e.ambiguous) throw new DateOrderError({ kind: "ambiguous", ...e.ambiguous });
  return { order: null, reread: false };
}
