/**
 * Shutdown hooks: parts that hold acknowledged-but-uncommitted work (the ingest writer) register a
 * drain here; the server runs them before closing the store (chDB must close after pending work).
 */
type Hook = { name: string; run: () => Promise<void> };

const KEY = Symbol.for("plumbline.shutdownHooks");
const g = globalThis as typeof globalThis & { [KEY]?: Hook[] };

export function onShutdown(name: string, run: () => Promise<void>): void {
  (g[KEY] ??= []).push({ name, run });
}

/** Runs hooks in reverse registration order; a failing hook is logged and does not stop the others. */
export async function runShutdownHooks(log: (line: string) => void = console.error): Promise<void> {
  const hooks = (g[KEY] ?? []).splice(0).reverse();
  for (const h of hooks) {
    try {
      await h.run();
    } catch (err) {
      log(`shutdown: ${h.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
