/**
 * Security headers (OWASP secure headers project), in three places because no one place sees every
 * response:
 * - pages get a per-request nonce Content-Security-Policy from proxy.ts (`pageCsp`): Next.js reads the
 *   nonce from that request header and puts it on its own scripts, so no script needs 'unsafe-inline';
 * - every response of the Node server — Next.js's, the OTLP receivers', the CLI bridge's, on either
 *   port — gets `nodeSecurityHeaders` from server/main.ts, with HSTS when AUTH_URL is https (read at
 *   run time: next.config's headers are fixed at build time, before the deployment's URL is known);
 * - next.config.ts repeats the static ones, for `next dev` and any server that is not server/main.ts.
 */
export interface Header {
  key: string;
  value: string;
}

const STATIC: Header[] = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** The static headers, for next.config.ts. The CSP is not among them: a page's needs its nonce. */
export function securityHeaders(): Header[] {
  return STATIC;
}

/**
 * A page's policy. 'strict-dynamic' lets the nonce-bearing Next.js bootstrap load its chunks; inline
 * styles stay allowed because Tremor and Recharts set style attributes (a style cannot run code).
 */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** For responses that are data, never a document to render: nothing may load or frame them. */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** HSTS only when the deployment says it is served over https; over http the header is ignored anyway. */
export function hsts(authUrl: string | undefined): Header | undefined {
  return authUrl?.startsWith("https://") ? { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" } : undefined;
}

/**
 * The headers server/main.ts sets on every response before routing it. `data` responses (API routes,
 * OTLP, the CLI bridge, build assets) also get DATA_CSP; pages are left to proxy.ts's nonce policy,
 * since two CSP headers would both apply and the stricter would block the page's scripts.
 */
export function nodeSecurityHeaders(o: { authUrl: string | undefined; data: boolean }): Header[] {
  const strict = hsts(o.authUrl);
  return [...STATIC, ...(strict ? [strict] : []), ...(o.data ? [{ key: "Content-Security-Policy", value: DATA_CSP }] : [])];
}

/** Paths whose responses are data, not pages (matched before Next.js or outside proxy.ts). */
export function isDataPath(pathname: string): boolean {
  return pathname.startsWith("/api/") || pathname.startsWith("/_next/") || pathname.startsWith("/v1/") || pathname.startsWith("/internal/");
}
