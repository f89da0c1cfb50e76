# Plumbline web (dashboard + OTLP endpoint) and, with another command, the stateless ingest process.
# In server mode (CLICKHOUSE_URL set) the container keeps no data of its own: ClickHouse holds it all,
# so the image can be replaced or scaled without a volume. Embedded mode (no CLICKHOUSE_URL) needs a
# volume at /app/data.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    PLUMBLINE_DATA_DIR=/app/data

WORKDIR /app

# Dependencies first so source edits do not invalidate the (slow) install layer. Dev dependencies are
# kept: the server runs TypeScript through tsx and `next build` needs the compiler.
COPY package.json package-lock.json ./
# The postinstall hook (build the dashboard when needed) skips itself while the sources are absent.
COPY scripts/build-if-needed.mjs scripts/
RUN npm install --no-audit --no-fund && npm cache clean --force

COPY . .
RUN npx next build

# Run as the image's unprivileged user; it must own the embedded data dir when no server is used.
RUN mkdir -p /app/data && chown -R node:node /app/data /app/.next
USER node

EXPOSE 3000
CMD ["node", "--import", "tsx", "server/main.ts"]
