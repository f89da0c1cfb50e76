import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listenOrLog } from "./ingest-service";
import { resolveServerSecret } from "./server-secret";

describe("the OTLP port", () => {
  it("logs instead of failing when its port is taken", async () => {
    const taken = http.createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const { port } = taken.address() as AddressInfo;
    const lines: string[] = [];
    await expect(listenOrLog(http.createServer(), port, "127.0.0.1", (l) => lines.push(l))).resolves.toBe(false);
    expect(lines[0]).toContain(`port ${port} not opened`);
    await new Promise((r) => taken.close(r));
  });
});

describe("the server secret", () => {
  it("is generated once into an embedded data dir and reused after a restart", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "plumbline-secret-"));
    const first = resolveServerSecret({ dataDir: dir });
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveServerSecret({ dataDir: dir })).toBe(first);
    expect(readFileSync(path.join(dir, "plumbline-secret"), "utf8").trim()).toBe(first);
    rmSync(dir, { recursive: true, force: true });
  });

  it("is required in server mode, where every ingest process must share it", () => {
    expect(() => resolveServerSecret({})).toThrow(/PLUMBLINE_SECRET is required/);
    expect(resolveServerSecret({ secret: "from-the-environment" })).toBe("from-the-environment");
  });
});
