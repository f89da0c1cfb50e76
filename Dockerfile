# Plumbline web (dashboard + OTLP endpoint) and, with another command, the stateless ingest process.
# In server mode (CLICKHOUSE_URL set) the container keeps no data of its own: ClickHouse holds it all,
# so the image can be replaced or scaled without a volume. Embedded mode (no CLICKHOUSE_URL) needs a
# volume at /app/data.
#
# Two stages: `build` installs everything from the lockfile and compiles; the image keeps only Next's
# standalone output completed by scripts/build-server.mjs: the compiled processes in dist/, the
# node_modules files they use, chDB's engine. No dev dependencies, no TypeScript at run time.

FROM node:20-bookworm-slim AS build
ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /app

# Dependencies first so source edits do not invalidate the (slow) install layer. The postinstall hook
# (build the dashboard when needed) skips itself while the sources are absent.
COPY package.json package-lock.json ./
COPY scripts/build-if-needed.mjs scripts/
RUN npm ci --no-audit --no-fund

COPY . .
RUN npx next build && node scripts/build-server.mjs

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    PLUMBLINE_DATA_DIR=/app/data
WORKDIR /app

# Owned by root and read-only to the process; it writes only its data directory and Next's cache.
COPY --from=build /app/.next/standalone ./
RUN mkdir -p /app/data /app/.next/cache && chown node:node /app/data /app/.next/cache
USER node

EXPOSE 3000 4318
# 200 once the store answers and every migration is applied (app/api/health/route.ts).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Other processes of the same image: `node dist/ingest.mjs` (OTLP receiver alone), `node dist/alerts.mjs`,
# and the command line, `node dist/plumbline.mjs <command>`.
CMD ["node", "dist/main.mjs"]
