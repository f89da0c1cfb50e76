import type { QueueState } from "@/server/routers/exception-queue";

export const VIEWS: Record<string, QueueState[]> = {
  open: ["new", "acknowledged", "assigned"],
  new: ["new"],
  assigned: ["assigned"],
  resolved: ["resolved"],
  all: ["new", "acknowledged", "assigned", "resolved"],
};

const select = "rounded border border-slate-300 px-2 py-1 text-sm";

/** The queue's own filters, inside the page's FilterBar form; applying any filter starts again at the first page. */
export function QueueFilters({ state, sort, mine }: { state: string; sort: string; mine: boolean }) {
  return (
    <>
      <label className="flex flex-col text-xs text-slate-600">
        State
        <select name="state" defaultValue={state} className={select}>
          {Object.keys(VIEWS).map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-600">
        Assigned to
        <select name="mine" defaultValue={mine ? "1" : ""} className={select}>
          <option value="">anyone</option>
          <option value="1">me</option>
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-600">
        Sort
        <select name="sort" defaultValue={sort} className={select}>
          <option value="age">oldest first</option>
          <option value="sla">most overdue first (this page)</option>
        </select>
      </label>
      {/* An empty value drops the page cursor from the URL. */}
      <input type="hidden" name="after" value="" />
    </>
  );
}
