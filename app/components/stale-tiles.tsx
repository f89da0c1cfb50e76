import { Children, cloneElement, isValidElement, type ReactElement, type ReactNode } from "react";
import { FreshnessBadge } from "./freshness-badge";
import type { TileProps } from "./tile";
import type { StaleSource } from "@/server/routers/staleness";

/**
 * A grid of tiles that all count the same workflows (a workflow's page, a compliance scope): each tile
 * without a badge of its own gets the freshness badge of those workflows, so a page wraps its grid
 * once instead of touching every tile.
 */
export function StaleTiles({ stale, workflows, className, children, testId }: { stale: readonly StaleSource[]; workflows: readonly string[]; className?: string; children: ReactNode; testId?: string }) {
  const badge = <FreshnessBadge stale={stale} workflows={workflows} />;
  return (
    <div className={className} data-testid={testId}>
      {Children.map(children, (child) => (isValidElement<TileProps>(child) && child.props.badge === undefined ? cloneElement(child as ReactElement<TileProps>, { badge }) : child))}
    </div>
  );
}
