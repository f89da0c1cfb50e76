import type { WebHandler } from "./node-adapter";

/**
 * Paths the Node server answers itself, before Next.js: machine endpoints that need no pages and
 * should not pay for the framework (OTLP ingest, the CLI bridge). Exact path match.
 */
export type NodeRoutes = Map<string, WebHandler>;

export function matchRoute(routes: NodeRoutes, url: string | undefined): WebHandler | undefined {
  const pathname = (url ?? "/").split("?")[0] ?? "/";
  return routes.get(pathname);
}
