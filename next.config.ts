import type { NextConfig } from "next";
import { securityHeaders } from "./server/security-headers";

const config: NextConfig = {
  // chDB is a native addon holding the process-wide engine: it must never be bundled.
  serverExternalPackages: ["chdb", "@clickhouse/client"],
  poweredByHeader: false,
  typedRoutes: false,
  // `npm run typecheck` checks the whole project (tests included) in CI; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders() }];
  },
};

export default config;
