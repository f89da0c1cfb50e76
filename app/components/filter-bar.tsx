import type { ReactNode } from "react";
import { FilterBarForm } from "./filter-bar-form";
import { requestWindow } from "./view-context";

/**
 * The filter bar of a view: window presets, from/to, workflow, comparison with the previous period.
 * Rendered after the page's viewContext, it shows the window actually applied and why a typed range
 * was refused (view-context.ts records both for the request).
 */
export function FilterBar({ workflows = [], extra }: { workflows?: string[]; extra?: ReactNode }) {
  return <FilterBarForm workflows={workflows} extra={extra} window={requestWindow()} />;
}
