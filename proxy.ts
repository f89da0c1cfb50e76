import { type NextRequest, NextResponse } from "next/server";
import { pageCsp } from "./server/security-headers";

const DASHBOARD = /^\/(?:$|(?:overview|workflows|exceptions|sources|compliance|settings)(?:\/|$))/;

/**
 * Runs before every page:
 * - a fresh nonce and the Content-Security-Policy built on it, set on the request (Next.js takes the
 *   nonce from there for its own scripts) and on the response (server/security-headers.ts);
 * - an early, cookie-only redirect to the sign-in page for dashboard pages, keeping the path to come
 *   back to. It does not verify the session: the (dashboard) layout and every tRPC procedure do.
 * API routes are not matched: they answer data, get a data-only CSP from server/main.ts, and their
 * bodies (uploads up to 200 MB) should not pass through here. Neither are build assets.
 */
export function proxy(req: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = pageCsp(nonce);
  const hasSession = req.cookies.getAll().some((c) => /^(__Secure-)?authjs\.session-token(\.\d+)?$/.test(c.name));
  let res: NextResponse;
  if (!hasSession && DASHBOARD.test(req.nextUrl.pathname)) {
    const url = new URL("/sign-in", req.url);
    url.searchParams.set("callbackUrl", `${req.nextUrl.pathname}${req.nextUrl.search}`);
    res = NextResponse.redirect(url);
  } else {
    const headers = new Headers(req.headers);
    headers.set("content-security-policy", csp);
    headers.set("x-nonce", nonce);
    res = NextResponse.next({ request: { headers } });
  }
  res.headers.set("content-security-policy", csp);
  return res;
}

export const config = {
  matcher: [{ source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)" }],
};
