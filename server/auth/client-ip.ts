import type { IncomingMessage } from "node:http";
import { env } from "@/server/env";
import { type AddressSet, parseAddressSet, unmapped } from "@/server/ip-range";

/**
 * Who is calling, for the sign-in lockout and the audit log.
 *
 * By default the client is the TCP peer: a header is text anyone can write, so trusting
 * X-Forwarded-For from everyone let a caller pick a fresh "IP" per attempt (defeating the per-IP
 * lockout) and write any text into the audit log. Only when the peer is one of
 * PLUMBLINE_TRUSTED_PROXIES is X-Forwarded-For read, right to left, skipping further trusted hops:
 * the first untrusted hop is the client (hops left of it were written by the client and prove nothing).
 *
 * Next.js route handlers cannot see the socket, so the Node server (server/main.ts) works the address
 * out per request and passes it in CLIENT_IP_HEADER, overwriting whatever the caller sent in it.
 */
export const CLIENT_IP_HEADER = "x-plumbline-client-ip";

let cachedTrusted: { list: string | undefined; set: AddressSet } | undefined;

/** PLUMBLINE_TRUSTED_PROXIES as an address set; a malformed entry fails loudly (start-up calls this). */
export function trustedProxies(): AddressSet {
  const list = env().PLUMBLINE_TRUSTED_PROXIES;
  if (cachedTrusted && cachedTrusted.list === list) return cachedTrusted.set;
  const { set, invalid } = parseAddressSet(list);
  if (invalid.length) throw new Error(`PLUMBLINE_TRUSTED_PROXIES: not an IP or CIDR: ${invalid.join(", ")}`);
  cachedTrusted = { list, set };
  return set;
}

/** The client address from the socket peer and, when that peer is a trusted proxy, X-Forwarded-For. */
export function resolveClientIp(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: AddressSet): string {
  const socket = peer ? unmapped(peer) : "unknown";
  if (trusted.size === 0 || !trusted.has(socket)) return socket;
  const joined = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const hops = joined
    .split(",")
    .map((h) => unmapped(h.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? "";
    // A hop that is not an address at all cannot be trusted or used: stop at the proxy we know.
    if (!trusted.has(hop)) return /^[0-9a-f.:]{2,45}$/i.test(hop) ? hop : socket;
  }
  // Every hop was one of our proxies (a health check from inside): the left-most is the origin.
  return hops[0] ?? socket;
}

/**
 * Sets CLIENT_IP_HEADER on a request reaching the Node server, replacing any caller-sent value, and
 * reduces X-Forwarded-For and X-Real-IP to that same address, so code that still reads those headers
 * (tRPC's context) can no longer be handed a forged one.
 */
export function stampClientIp(req: IncomingMessage, trusted: AddressSet = trustedProxies()): void {
  const ip = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], trusted);
  req.headers[CLIENT_IP_HEADER] = ip;
  req.headers["x-forwarded-for"] = ip;
  delete req.headers["x-real-ip"];
}

/**
 * The client IP for tRPC contexts, sign-in and route handlers: what the Node server stamped. Without
 * it (`next dev`, in-process callers) the answer is "unknown" rather than any header's say-so.
 */
export function clientIp(headers: Headers | undefined): string {
  return headers?.get(CLIENT_IP_HEADER) || "unknown";
}
