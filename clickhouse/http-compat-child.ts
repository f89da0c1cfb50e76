/**
 * Child-process entry of the ClickHouse-HTTP-compatible test server (see http-compat-server.ts).
 * It owns one chDB data directory (chDB allows one per process) and answers the subset of the
 * ClickHouse HTTP interface that @clickhouse/client uses, so the server adapter runs for real on a
 * machine without a ClickHouse server. Test utility only: no authentication, listens on 127.0.0.1.
 *
 *   node --import tsx clickhouse/http-compat-child.ts <dataDir> [port]
 *
 * Reports `{ port }` to its parent over IPC once listening and exits when the parent disconnects;
 * started by hand, it prints its URL and runs until SIGINT/SIGTERM.
 */
import http from "node:http";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Session } from "chdb";

const dataDir = path.resolve(process.argv[2] ?? "test-data/http-compat");
mkdirSync(dataDir, { recursive: true });
// The adapter asks every query for session_timezone=UTC; the session starts in it.
const SESSION_DEFAULTS: Record<string, string> = { session_timezone: "UTC" };
const session = new Session(dataDir, { connectionArgs: ["--session_timezone=UTC", "--log_queries=0"] });

// URL parameters that steer the HTTP layer rather than the query (ClickHouse HTTP interface docs).
const TRANSPORT = new Set(["query", "query_id", "database", "default_format", "session_id", "role", "user", "password"]);
const TRANSPORT_SETTINGS: Record<string, string> = {
  enable_http_compression: "0",
  wait_end_of_query: "1",
  send_progress_in_http_headers: "0",
};

class CompatError extends Error {
  constructor(message: string, readonly code: number, readonly type: string) {
    super(message);
  }
}

/** ClickHouse sends scalar parameter values in the Escaped (TSV) text form; chDB escapes again on binding. */
function unescapeParam(v: string): string | null {
  if (v === "\\N") return null;
  const map: Record<string, string> = { t: "\t", n: "\n", r: "\r", "0": "\0", b: "\b", f: "\f" };
  return v.replace(/\\(.)/gs, (_m, c: string) => map[c] ?? c);
}

const PLACEHOLDER = /\{([A-Za-z_]\w*):((?:[^{}()]|\((?:[^()]|\([^()]*\))*\))+)\}/g;
const COMPOSITE = /^\s*(Array|Tuple|Map|Nested)\s*\(/;

/**
 * A composite value (`['a','b\\'c']`) arrives in its quoted text form, which the server parses as the
 * declared type. chDB's binder would escape it once more, so such a placeholder is bound as a String
 * holding that exact text and cast to its type: the engine then parses the same text a server would.
 */
function bindParams(sql: string, raw: Record<string, string>): { sql: string; params: Record<string, string | null> } {
  const composite = new Set<string>();
  const rewritten = sql.replace(PLACEHOLDER, (m, name: string, type: string) => {
    if (!COMPOSITE.test(type)) return m;
    composite.add(name);
    return `CAST({${name}:String} AS ${type})`;
  });
  const params: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(raw)) params[k] = composite.has(k) ? v : unescapeParam(v);
  return { sql: rewritten, params };
}

function settingLiteral(name: string, value: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new CompatError(`Invalid setting name ${name}`, 115, "UNKNOWN_SETTING");
  return /^-?\d+(\.\d+)?$/.test(value) ? `${name} = ${value}` : `${name} = '${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Puts the request's settings into the statement, before its FORMAT clause, as a real server would apply them. */
function withSettings(sql: string, settings: [string, string][]): string {
  if (settings.length === 0) return sql;
  if (/\bSETTINGS\b/i.test(sql)) {
    throw new CompatError("The compat server cannot merge URL settings into a query that has its own SETTINGS", 48, "NOT_IMPLEMENTED");
  }
  const clause = `SETTINGS ${settings.map(([k, v]) => settingLiteral(k, v)).join(", ")}`;
  const format = /\s+FORMAT\s+\w+\s*;?\s*$/i.exec(sql);
  return format ? `${sql.slice(0, format.index)} ${clause}${format[0]}` : `${sql.replace(/;\s*$/, "")} ${clause}`;
}

const INSERT = /^\s*INSERT\s+INTO\s+([A-Za-z_][\w.]*)\s*(?:\(([^)]*)\))?\s*FORMAT\s+(\w+)\s*$/i;
const RAW_FORMATS = new Set(["JSONEachRow", "JSONCompactEachRow", "CSV", "CSVWithNames", "TSV", "TabSeparated", "Native"]);
// chDB's inline insert takes text formats only; a Native body is read from a file, as a server reads its socket.
const bodyDir = mkdtempSync(path.join(dataDir, "compat-bodies-"));
let bodySeq = 0;

async function run(url: URL, body: Buffer): Promise<{ text: string; format: string }> {
  const database = url.searchParams.get("database");
  if (database && database !== "default") {
    throw new CompatError(`The compat server serves the default database only, not ${database}`, 81, "UNKNOWN_DATABASE");
  }
  const raw: Record<string, string> = {};
  const settings: [string, string][] = [];
  for (const [k, v] of url.searchParams) {
    if (k.startsWith("param_")) raw[k.slice(6)] = v;
    else if (TRANSPORT.has(k) || TRANSPORT_SETTINGS[k] === v || SESSION_DEFAULTS[k] === v) continue;
    else settings.push([k, v]);
  }
  const urlQuery = url.searchParams.get("query");
  const insert = urlQuery ? INSERT.exec(urlQuery) : null;
  if (insert?.[1] && insert[3]) {
    const format = insert[3];
    if (!RAW_FORMATS.has(format)) throw new CompatError(`Insert format ${format} is not supported here`, 73, "UNKNOWN_FORMAT");
    const columns = insert[2]?.split(",").map((c) => c.trim().replace(/`/g, ""));
    if (format === "Native") {
      const file = path.join(bodyDir, `${++bodySeq}.native`);
      writeFileSync(file, body);
      try {
        await session.queryAsync(withSettings(`INSERT INTO ${insert[1]}${insert[2] ? ` (${insert[2]})` : ""} FROM INFILE '${file}' FORMAT Native`, settings));
      } finally {
        rmSync(file, { force: true });
      }
      return { text: "", format };
    }
    await session.insert({
      table: insert[1],
      values: body,
      format: format as "JSONEachRow",
      ...(columns ? { columns } : {}),
      settings: Object.fromEntries(settings),
    });
    return { text: "", format };
  }
  const sql = urlQuery ? `${urlQuery}\n${body.toString("utf8")}` : body.toString("utf8");
  if (!sql.trim()) throw new CompatError("Empty query", 62, "SYNTAX_ERROR");
  const format = /\bFORMAT\s+(\w+)\s*;?\s*$/i.exec(sql)?.[1] ?? url.searchParams.get("default_format") ?? "TabSeparated";
  const bound = bindParams(withSettings(sql, settings), raw);
  const result = await session.queryBindAsync(bound.sql, bound.params, { format });
  return { text: result.text(), format };
}

function describe(err: unknown): { status: number; code: number; body: string } {
  if (err instanceof CompatError) {
    return { status: 500, code: err.code, body: `Code: ${err.code}. DB::Exception: ${err.message}. (${err.type})\n` };
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = Number(/Code:\s*(\d+)/.exec(message)?.[1] ?? 1002);
  // chDB passes the engine's own text through ("Code: 60. DB::Exception: ... (UNKNOWN_TABLE)"), which the
  // client parses; anything else is wrapped in the same shape.
  const body = /\(([A-Z0-9_]*[A-Z]{3}[A-Z0-9_]*)\)/.test(message) ? message : `Code: ${code}. DB::Exception: ${message}. (UNKNOWN_EXCEPTION)`;
  return { status: 500, code, body: `${body}\n` };
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname === "/ping" || (url.pathname === "/" && req.method === "GET" && !url.searchParams.has("query"))) {
    res.writeHead(200, { "content-type": "text/plain; charset=UTF-8" }).end("Ok.\n");
    return;
  }
  if (url.pathname !== "/") {
    res.writeHead(404).end("Not found\n");
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const queryId = url.searchParams.get("query_id") ?? "";
    run(url, Buffer.concat(chunks)).then(
      ({ text, format }) => {
        res.writeHead(200, {
          "content-type": "text/plain; charset=UTF-8",
          "x-clickhouse-format": format,
          "x-clickhouse-query-id": queryId,
          "x-clickhouse-summary": JSON.stringify({ read_rows: "0", read_bytes: "0", written_rows: "0", written_bytes: "0" }),
        });
        res.end(text);
      },
      (err: unknown) => {
        const e = describe(err);
        res.writeHead(e.status, {
          "content-type": "text/plain; charset=UTF-8",
          "x-clickhouse-exception-code": String(e.code),
          "x-clickhouse-query-id": queryId,
        });
        res.end(e.body);
      },
    );
  });
});

server.listen(Number(process.argv[3] ?? 0), "127.0.0.1", () => {
  const addr = server.address();
  if (!addr || typeof addr !== "object") return;
  // Started by hand (no IPC channel), it says where it listens: CLICKHOUSE_URL=<that> npx vitest run ...
  if (process.send) process.send({ port: addr.port });
  else console.log(`ClickHouse HTTP compat server on http://127.0.0.1:${addr.port} (data: ${dataDir})`);
});

const stop = () => {
  server.close();
  session.close();
  process.exit(0);
};
process.on("disconnect", stop);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
