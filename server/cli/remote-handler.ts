import { getStore } from "@/clickhouse/store";
import { storeConfig } from "@/server/env";
import { CliError } from "./command";
import { remoteRequest, tokenMatches, type RemoteLine, type ServerAdvert } from "./remote";
import { execute, resolve } from "./run";

/**
 * Runs a CLI command inside the server that owns the embedded store. Only the holder of the token
 * from the data directory's advert file (readable by the server's OS user alone) may call it.
 */
export function cliHandler(advert: () => ServerAdvert | undefined) {
  return async (req: Request): Promise<Response> => {
    const ad = advert();
    if (req.method !== "POST") return new Response("method not allowed", { status: 405 });
    if (!ad || !tokenMatches(ad, req.headers.get("x-plumbline-cli-token"))) return new Response("forbidden", { status: 403 });
    const parsed = remoteRequest.safeParse(await req.json().catch(() => null));
    if (!parsed.success) return new Response("bad request", { status: 400 });
    const { argv, cwd, actor } = parsed.data;
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (line: RemoteLine) => controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        try {
          const inv = await resolve(argv);
          if ("help" in inv) {
            send({ result: inv.help, text: inv.help });
          } else {
            const db = await getStore(storeConfig());
            const out = await execute(inv, { db, actor, cwd, remote: true, progress: (p) => send({ progress: p }) });
            send({ result: out.result, text: out.text });
          }
        } catch (err) {
          send({ error: err instanceof Error ? err.message : String(err), exitCode: err instanceof CliError ? err.exitCode : 1 });
        }
        controller.close();
      },
    });
    return new Response(stream, { headers: { "content-type": "application/x-ndjson" } });
  };
}
