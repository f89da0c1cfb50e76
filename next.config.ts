import type { NextConfig } from "next";
import { securityHeaders } from "./server/security-headers";

const config: NextConfig = {
  // chDB is a native addon holding the process-wide engine: it must never be bundled.
  serverExternalPackages: ["chdb", "@clickhouse/client"],
  // `.next/standalone` holds what the pages need at run time, traced node_modules included; the
  // production image is built from it (scripts/build-server.mjs, Dockerfile). `npm start` uses `.next`.
  output: "standalone",
  // Stores and build state are never part of the output, whatever a trace of the data directory finds.
  outputFileTracingExcludes: { "*": ["data/**", "test-data/**", "bench-data/**", "artifacts/**", ".next-build.lock/**"] },
  poweredByHeader: false,
  typedRoutes: false,
  // `npm run typecheck` checks the whole project (tests included) in CI; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders() }];
  },
};

export default config;
