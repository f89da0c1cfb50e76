import { describe, expect, it } from "vitest";
import { DATA_CSP, hsts, isDataPath, nodeSecurityHeaders, pageCsp, securityHeaders } from "./security-headers";

const byKey = (hs: { key: string; value: string }[]) => Object.fromEntries(hs.map((h) => [h.key, h.value]));

describe("security headers", () => {
  it("give pages a nonce script policy without unsafe-inline", () => {
    const scripts = /script-src ([^;]*)/.exec(pageCsp("abc123"))?.[1] ?? "";
    expect(scripts).toBe("'self' 'nonce-abc123' 'strict-dynamic'");
    expect(pageCsp("abc123")).toContain("frame-ancestors 'none'");
  });

  it("send HSTS only when AUTH_URL is https", () => {
    expect(hsts("https://plumbline.firm.example")?.value).toMatch(/^max-age=\d{8,}/);
    expect(hsts("http://localhost:3000")).toBeUndefined();
    expect(hsts(undefined)).toBeUndefined();
    expect(byKey(nodeSecurityHeaders({ authUrl: "https://plumbline.firm.example", data: false }))).toHaveProperty("Strict-Transport-Security");
    expect(byKey(nodeSecurityHeaders({ authUrl: "http://localhost:3000", data: false }))).not.toHaveProperty("Strict-Transport-Security");
  });

  it("give data routes (API, OTLP, CLI bridge) a CSP that loads nothing, and leave pages' CSP to the proxy", () => {
    expect(byKey(nodeSecurityHeaders({ authUrl: undefined, data: true }))["Content-Security-Policy"]).toBe(DATA_CSP);
    expect(byKey(nodeSecurityHeaders({ authUrl: undefined, data: false }))).not.toHaveProperty("Content-Security-Policy");
    expect(byKey(securityHeaders())).not.toHaveProperty("Content-Security-Policy");
    for (const p of ["/api/trpc/x", "/v1/traces", "/internal/cli", "/_next/static/a.js"]) expect(isDataPath(p), p).toBe(true);
    for (const p of ["/overview", "/sign-in", "/"]) expect(isDataPath(p), p).toBe(false);
  });
});
