import { describe, expect, it } from "vitest";
import { checkMutationOrigin, checkReadOrigin } from "./csrf";

const h = (o: Record<string, string>) => new Headers({ host: "localhost:3000", ...o });

describe("checkMutationOrigin", () => {
  it("accepts this site's Origin, else its Referer", () => {
    expect(checkMutationOrigin(h({ origin: "http://localhost:3000" }), undefined).ok).toBe(true);
    expect(checkMutationOrigin(h({ referer: "http://localhost:3000/settings", "sec-fetch-site": "same-origin" }), undefined).ok).toBe(true);
  });

  it("refuses another port of the same host, another host, an opaque origin and a browser request with neither header", () => {
    expect(checkMutationOrigin(h({ origin: "http://localhost:4000" }), undefined).ok).toBe(false);
    expect(checkMutationOrigin(h({ origin: "http://evil.test" }), undefined).ok).toBe(false);
    expect(checkMutationOrigin(h({ origin: "null" }), undefined).ok).toBe(false);
    expect(checkMutationOrigin(h({ "sec-fetch-site": "same-site" }), undefined).ok).toBe(false);
    // An Origin wins over a Referer, so a matching Referer cannot excuse a foreign Origin.
    expect(checkMutationOrigin(h({ origin: "http://localhost:4000", referer: "http://localhost:3000/" }), undefined).ok).toBe(false);
  });

  it("serves a client that sends no browser headers at all (curl, scripts)", () => {
    expect(checkMutationOrigin(h({}), undefined).ok).toBe(true);
  });

  it("compares with AUTH_URL's origin when it is set, scheme included", () => {
    const url = "https://plumbline.firm.example";
    expect(checkMutationOrigin(h({ origin: "https://plumbline.firm.example" }), url).ok).toBe(true);
    expect(checkMutationOrigin(h({ origin: "http://plumbline.firm.example" }), url).ok).toBe(false);
    expect(checkMutationOrigin(h({ origin: "http://localhost:3000" }), url).ok).toBe(false);
  });
});

describe("checkReadOrigin", () => {
  it("refuses reads the browser marks as coming from elsewhere", () => {
    expect(checkReadOrigin(h({ "sec-fetch-site": "same-site" }), undefined).ok).toBe(false);
    expect(checkReadOrigin(h({ "sec-fetch-site": "cross-site" }), undefined).ok).toBe(false);
    expect(checkReadOrigin(h({ origin: "http://localhost:4000" }), undefined).ok).toBe(false);
  });

  it("serves same-origin reads, typed-in addresses and clients without browser headers", () => {
    expect(checkReadOrigin(h({ "sec-fetch-site": "same-origin" }), undefined).ok).toBe(true);
    expect(checkReadOrigin(h({ "sec-fetch-site": "none" }), undefined).ok).toBe(true);
    expect(checkReadOrigin(h({}), undefined).ok).toBe(true);
  });
});
