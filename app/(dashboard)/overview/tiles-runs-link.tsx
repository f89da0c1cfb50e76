/**
 * The runs behind a row of tiles: each tile above counts the live runs started in the window (of the
 * chosen workflow), so one link per row selects exactly those (`runsHref`).
 */
export function TilesRunsLink({ href }: { href: string }) {
  return (
    <p className="mt-1 text-right text-xs">
      <a href={href} className="text-indigo-700 hover:underline" data-testid="tiles-runs-link">
        Runs behind these numbers →
      </a>
    </p>
  );
}
