import { type NextRequest, NextResponse } from "next/server";

/**
 * An early, cookie-only redirect to the sign-in page for dashboard pages, keeping the path to come
 * back to. It does not verify the session: the (dashboard) layout and every tRPC procedure do. API
 * routes, /v1/* (OTLP, ingest keys) and /internal/cli are not matched (the Node server answers the
 * latter two before Next.js).
 */
export function proxy(req: NextRequest): NextResponse {
  const hasSession = req.cookies.getAll().some((c) => /^(__Secure-)?authjs\.session-token(\.\d+)?$/.test(c.name));
  if (hasSession) return NextResponse.next();
  const url = new URL("/sign-in", req.url);
  url.searchParams.set("callbackUrl", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/", "/overview/:path*", "/workflows/:path*", "/exceptions/:path*", "/sources/:path*", "/compliance/:path*", "/settings/:path*"],
};
