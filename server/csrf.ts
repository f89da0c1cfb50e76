import { env } from "@/server/env";

/**
 * Cross-site request forgery check for route handlers and tRPC (issue 24, finding 4).
 *
 * The session cookie is SameSite=Lax, which does not help here: a page on another port of the same
 * host is the same *site*, so the browser sends the cookie with its form posts. What the browser will
 * not let that page forge is where the request comes from, so:
 *
 * - The app's own origin is AUTH_URL's when set (behind a proxy the Host header may be rewritten, so
 *   AUTH_URL is the deployment's word for its public address); otherwise the request's Host header,
 *   compared as host:port — the scheme is left out because a TLS-terminating proxy makes Origin
 *   https:// while Node sees http://.
 * - A state-changing request must carry an Origin, else a Referer, from that origin. With neither, it
 *   is served only when it also has no Sec-Fetch-Site: every current browser sends Origin on a POST
 *   and Sec-Fetch-Site on every request, so such a request comes from a script (curl, a test client)
 *   that holds the cookie itself — no victim's browser can be made to send it.
 * - A reading request (tRPC GET) is refused when the browser says it came from elsewhere
 *   (Sec-Fetch-Site other than same-origin or none, or a foreign Origin): such a read would still be
 *   written to the audit log in the victim's name. Without those headers (curl, test clients) it is
 *   served, since a client that sends no browser headers cannot be riding a victim's cookie.
 */
export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

function originOf(value: string | null): URL | undefined {
  if (!value || value === "null") return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Whether `candidate` is the app's own origin, for this request. */
function isOwnOrigin(candidate: URL, headers: Headers, authUrl: string | undefined): boolean {
  if (authUrl) return candidate.origin === new URL(authUrl).origin;
  const host = headers.get("host");
  return !!host && candidate.host.toLowerCase() === host.toLowerCase();
}

/** For a request that changes something: the Origin (else Referer) must be the app's own. */
export function checkMutationOrigin(headers: Headers, authUrl: string | undefined = env().AUTH_URL): CsrfVerdict {
  const origin = headers.get("origin");
  const referer = headers.get("referer");
  if (origin === null && referer === null && headers.get("sec-fetch-site") === null) return { ok: true };
  const source = origin !== null ? originOf(origin) : originOf(referer);
  if (!source) return { ok: false, reason: origin !== null ? "an opaque Origin" : "a browser request without Origin or Referer" };
  if (!isOwnOrigin(source, headers, authUrl)) return { ok: false, reason: `Origin ${source.origin} is not this site` };
  return { ok: true };
}

/** For a request that only reads (but is audited): refused only when the browser says it is foreign. */
export function checkReadOrigin(headers: Headers, authUrl: string | undefined = env().AUTH_URL): CsrfVerdict {
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return { ok: false, reason: `a ${site} request` };
  const origin = originOf(headers.get("origin"));
  if (headers.get("origin") !== null && (!origin || !isOwnOrigin(origin, headers, authUrl))) return { ok: false, reason: "a foreign Origin" };
  return { ok: true };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The check a route handler applies to `req`, by method. */
export function checkRequestOrigin(req: Request): CsrfVerdict {
  return SAFE_METHODS.has(req.method.toUpperCase()) ? checkReadOrigin(req.headers) : checkMutationOrigin(req.headers);
}

/** The answer to a refused request: plain and the same for every reason (the reason goes to the log). */
export function csrfRefusal(req: Request, verdict: { reason: string }): Response {
  console.warn(`[plumbline] refused ${req.method} ${new URL(req.url).pathname}: ${verdict.reason}`);
  return new Response("Cross-site request refused.\n", {
    status: 403,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
