import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertMessage } from "./message";
import { startWebhookSink } from "./test-receivers";
import { DeliveryError, postWebhook } from "./webhook";
import { checkWebhookDestination, type ResolvedAddress, type Resolver, WebhookDestinationError } from "./webhook-address";

/**
 * The address check itself, with a stubbed resolver: no test here queries DNS, and the only sockets
 * opened go to the loopback receiver below (the public addresses are checked, never connected to).
 */
const zone: Record<string, string[]> = {
  "hooks.example.test": ["203.0.113.10"],
  "dual.example.test": ["203.0.113.11", "2001:db8::11"],
  "loop.example.test": ["127.0.0.1"],
  "intranet.example.test": ["10.1.2.3"],
  "router.example.test": ["192.168.0.1"],
  "docker.example.test": ["172.17.0.1"],
  "metadata.example.test": ["169.254.169.254"],
  "v6loop.example.test": ["::1"],
  "ula.example.test": ["fd00::1"],
  "mapped.example.test": ["::ffff:10.0.0.1"],
  "mixed.example.test": ["203.0.113.12", "10.0.0.7"],
  "receiver.example.test": ["127.0.0.1"],
};
const asked: string[] = [];
const stub: Resolver = async (host) => {
  asked.push(host);
  const addresses = zone[host];
  if (!addresses) throw new Error(`ENOTFOUND ${host}`);
  return addresses.map((address): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
};
const check = (url: string, allow = "") => checkWebhookDestination(new URL(url), { resolve: stub, allow });
const refused = (url: string, allow = "") => expect(check(url, allow)).rejects.toBeInstanceOf(WebhookDestinationError);

describe("checkWebhookDestination", () => {
  it("refuses loopback, private, link-local and unspecified addresses written as IPs", async () => {
    for (const host of ["127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "0.0.0.0", "[::1]", "[fe80::1]", "[fc00::1]", "[fd12::1]", "[::ffff:127.0.0.1]", "[::ffff:a00:1]", "[::]"]) {
      await refused(`http://${host}/hook`);
    }
    // Other spellings of 127.0.0.1 that the URL parser normalises.
    await refused("http://2130706433/hook");
    await refused("http://0x7f.1/hook");
  });

  it("refuses names that resolve to them, and a name with any one internal answer", async () => {
    for (const host of ["loop", "intranet", "router", "docker", "metadata", "v6loop", "ula", "mapped", "mixed"]) await refused(`https://${host}.example.test/x`);
  });

  it("lets public destinations through with every address to pin, without connecting", async () => {
    expect(await check("https://hooks.example.test/services/T0/B0")).toEqual([{ address: "203.0.113.10", family: 4 }]);
    expect((await check("https://dual.example.test/")).map((a) => a.address)).toEqual(["203.0.113.11", "2001:db8::11"]);
    expect(await check("https://198.51.100.4/")).toEqual([{ address: "198.51.100.4", family: 4 }]);
  });

  it("allows what PLUMBLINE_WEBHOOK_ALLOW lists: a host name, an address or a range", async () => {
    expect(await check("http://intranet.example.test/", "intranet.example.test")).toHaveLength(1);
    expect(await check("http://intranet.example.test/", "10.0.0.0/8")).toHaveLength(1);
    expect(await check("http://127.0.0.1:9/", "127.0.0.1")).toHaveLength(1);
    await refused("http://router.example.test/", "10.0.0.0/8, intranet.example.test");
  });

  it("refuses other schemes, credentials in the URL and names that do not resolve", async () => {
    await refused("ftp://hooks.example.test/");
    await refused("file:///etc/passwd");
    await refused("https://user:pw@hooks.example.test/");
    await refused("https://nowhere.example.test/");
  });
});

const message: AlertMessage = {
  event: "test",
  tenantId: "t1",
  ruleId: "r1",
  ruleName: "Rule",
  condition: "test",
  severity: "info",
  subject: "test",
  episodeId: "e1",
  summary: "test",
  openedAt: new Date(),
  resolvedAt: null,
  link: "https://plumbline.example/",
};

describe("postWebhook", () => {
  let sink: Awaited<ReturnType<typeof startWebhookSink>>;
  beforeAll(async () => {
    sink = await startWebhookSink((h) => (h.path.startsWith("/moved") ? 302 : 200));
  });
  afterAll(() => sink.close());
  const port = () => new URL(sink.url).port;
  const send = (url: string, allow: string) => postWebhook({ kind: "webhook", url, secret: "whsec_0123456789abcdef", format: "json" }, message, "d1", new Date(), 5_000, { resolve: stub, allow });

  it("connects to the address it checked (a name pinned to the loopback receiver, allowed)", async () => {
    expect(await send(`http://receiver.example.test:${port()}/pinned`, "127.0.0.1")).toBe(200);
    expect(sink.hooks.map((h) => h.path)).toContain("/pinned");
  });

  it("refuses an internal destination before any request, and does not retry it", async () => {
    const before = sink.attempts();
    const err = await send(`http://receiver.example.test:${port()}/refused`, "").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).retryable).toBe(false);
    expect(sink.attempts()).toBe(before);
  });

  it("does not follow a redirect", async () => {
    const err = await send(`http://receiver.example.test:${port()}/moved`, "127.0.0.1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).httpStatus).toBe(302);
  });
});
