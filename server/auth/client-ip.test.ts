import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { parseAddressSet } from "@/server/ip-range";
import { toWebRequest } from "@/server/node-adapter";
import { CLIENT_IP_HEADER, clientIp, resolveClientIp, stampClientIp } from "./client-ip";
import { localSignIn } from "./local-sign-in";
import { RateLimiter } from "./rate-limit";
import { ensureUser } from "./users";

const trusted = (list: string) => parseAddressSet(list).set;

describe("resolveClientIp", () => {
  it("is the socket peer by default, whatever X-Forwarded-For says", () => {
    expect(resolveClientIp("198.51.100.7", "203.0.113.1", trusted(""))).toBe("198.51.100.7");
    expect(resolveClientIp("::ffff:198.51.100.7", "203.0.113.1", trusted(""))).toBe("198.51.100.7");
    expect(resolveClientIp("198.51.100.7", "203.0.113.1", trusted("10.0.0.0/8"))).toBe("198.51.100.7");
  });

  it("reads X-Forwarded-For from a listed proxy, right-most untrusted hop first", () => {
    const proxies = trusted("10.0.0.0/8, 192.0.2.1");
    expect(resolveClientIp("10.1.2.3", "203.0.113.5", proxies)).toBe("203.0.113.5");
    // The client wrote "1.1.1.1" itself; the proxy appended the real peer.
    expect(resolveClientIp("10.1.2.3", "1.1.1.1, 203.0.113.5", proxies)).toBe("203.0.113.5");
    expect(resolveClientIp("10.1.2.3", ["1.1.1.1, 203.0.113.5", "192.0.2.1"], proxies)).toBe("203.0.113.5");
    expect(resolveClientIp("::ffff:10.1.2.3", "203.0.113.5", proxies)).toBe("203.0.113.5");
  });

  it("falls back to the proxy when the hop is not an address, and to the socket without a header", () => {
    const proxies = trusted("10.0.0.0/8");
    expect(resolveClientIp("10.1.2.3", "<script>alert(1)</script>", proxies)).toBe("10.1.2.3");
    expect(resolveClientIp("10.1.2.3", undefined, proxies)).toBe("10.1.2.3");
    expect(resolveClientIp("10.1.2.3", "10.9.9.9", proxies)).toBe("10.9.9.9");
  });

  it("rejects malformed proxy entries instead of ignoring them", () => {
    expect(parseAddressSet("10.0.0.0/8, proxy.internal, 10.0.0.0/40").invalid).toEqual(["proxy.internal", "10.0.0.0/40"]);
  });

  it("reads only the stamped header, never a caller's X-Forwarded-For", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.1" }))).toBe("unknown");
    expect(clientIp(new Headers({ [CLIENT_IP_HEADER]: "198.51.100.2" }))).toBe("198.51.100.2");
  });
});

/**
 * The path of a sign-in through the Node server: main.ts stamps the request, Auth.js's authorize()
 * reads clientIp from the Web Request's headers. Here a loopback server does the same two steps.
 */
describe("sign-in lockout behind the Node server", () => {
  const PASSWORD = "correct horse battery staple";
  let db: Db;
  let server: http.Server;
  let url = "";
  const limits = {
    account: new RateLimiter({ max: 1000, windowMs: 60_000, lockMs: 900_000 }),
    ip: new RateLimiter({ max: 3, windowMs: 60_000, lockMs: 900_000 }),
  };

  beforeAll(async () => {
    db = await testDb();
    server = http.createServer((req, res) => {
      stampClientIp(req, trusted(""));
      const web = toWebRequest(req, "http://localhost");
      void (async () => {
        const body = (await web.json()) as { email: string; password: string };
        const user = await localSignIn(db, { ...body, ip: clientIp(web.headers) }, limits);
        res.statusCode = user ? 200 : 401;
        res.end();
      })();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const attempt = (email: string, password: string, forwarded: string, extra: Record<string, string> = {}) =>
    fetch(url, { method: "POST", headers: { "x-forwarded-for": forwarded, ...extra }, body: JSON.stringify({ email, password }) }).then((r) => r.status);

  it("holds under a forged X-Forwarded-For, and the audit log has the socket IP", async () => {
    const victims = Array.from({ length: 3 }, () => `${randomUUID()}@example.test`);
    for (const [i, email] of victims.entries()) expect(await attempt(email, "wrong password", `203.0.113.${i + 1}`)).toBe(401);
    const email = `${randomUUID()}@example.test`;
    await ensureUser(db, { email, password: PASSWORD });
    // A fresh forged address, and a forged stamp header too: the loopback peer is still locked.
    expect(await attempt(email, PASSWORD, "198.51.100.99", { [CLIENT_IP_HEADER]: "198.51.100.98" })).toBe(401);
    const rows = await db.query(
      "SELECT ip, detail FROM audit_log WHERE kind = 'auth' AND actor_email IN {emails:Array(String)} ORDER BY at",
      { emails: [...victims, email] },
      z.object({ ip: z.string(), detail: z.string() }),
    );
    expect(rows.map((r) => r.ip)).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1"]);
    expect(rows.at(-1)?.detail).toBe("locked out after repeated failures");
  });
});
