import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { type AlertMessage, headline, messageJson } from "./message";
import type { WebhookRecipient } from "./rule";
import { checkWebhookDestination, type DestinationPolicy, pinnedLookup, type ResolvedAddress, WebhookDestinationError } from "./webhook-address";

export const SIGNATURE_HEADER = "x-plumbline-signature";
export const TIMESTAMP_HEADER = "x-plumbline-timestamp";

/**
 * HMAC-SHA256 over `<unix seconds>.<raw body>` with the endpoint's secret, hex, prefixed `v1=`.
 * Binding the timestamp lets a receiver reject replays of an old, validly signed body.
 */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`;
}

/** For receivers (and tests): checks the signature and that the timestamp is within `toleranceSeconds`. */
export function verifyWebhookSignature(
  secret: string,
  headers: { signature: string | null | undefined; timestamp: string | null | undefined },
  rawBody: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(ts)) return false;
  if (Math.abs(now.getTime() / 1000 - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, ts, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const COLOR = { info: "#2563eb", warning: "#d97706", critical: "#dc2626", resolved: "#16a34a" } as const;

/** The body for the endpoint's format: Plumbline JSON, a Slack incoming-webhook message or a Teams card. */
export function webhookBody(m: AlertMessage, format: WebhookRecipient["format"]): Record<string, unknown> {
  const color = m.event === "resolve" ? COLOR.resolved : COLOR[m.severity];
  switch (format) {
    case "json":
      return messageJson(m);
    case "slack":
      return {
        text: headline(m),
        attachments: [{ color, text: `${m.summary}\n${m.condition}\n<${m.link}|Open in Plumbline>` }],
      };
    case "teams":
      return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        themeColor: color.slice(1),
        summary: headline(m),
        title: headline(m),
        text: `${m.summary}<br>${m.condition}`,
        potentialAction: [{ "@type": "OpenUri", name: "Open in Plumbline", targets: [{ os: "default", uri: m.link }] }],
      };
  }
}

/** A failed HTTP attempt; `retryable` follows HTTP semantics (5xx, 408, 429 and network errors retry). */
export class DeliveryError extends Error {
  constructor(message: string, readonly httpStatus: number, readonly retryable: boolean) {
    super(message);
    this.name = "DeliveryError";
  }
}

/**
 * Posts one signed webhook; resolves with the HTTP status on 2xx, throws DeliveryError otherwise.
 * The destination is checked first (webhook-address.ts) and the socket pinned to the checked
 * addresses; a redirect is an answer like any other non-2xx — following it would let a public URL
 * send the request to an internal one.
 */
export async function postWebhook(
  recipient: WebhookRecipient,
  m: AlertMessage,
  deliveryId: string,
  now: Date,
  timeoutMs = 10_000,
  policy: DestinationPolicy = {},
): Promise<number> {
  const raw = JSON.stringify(webhookBody(m, recipient.format));
  const ts = Math.floor(now.getTime() / 1000);
  const url = new URL(recipient.url);
  let addresses: ResolvedAddress[];
  try {
    addresses = await checkWebhookDestination(url, policy);
  } catch (err) {
    // A refused destination stays refused: retrying would only ask again.
    if (err instanceof WebhookDestinationError) throw new DeliveryError(err.message, 0, false);
    throw err;
  }
  const headers = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(raw)),
    "user-agent": "Plumbline-Alerts/1",
    [TIMESTAMP_HEADER]: String(ts),
    [SIGNATURE_HEADER]: signWebhook(recipient.secret, ts, raw),
    "x-plumbline-event": `alert.${m.event}`,
    "x-plumbline-delivery": deliveryId,
  };
  let status: number;
  try {
    status = await post(url, headers, raw, pinnedLookup(addresses), timeoutMs);
  } catch (err) {
    throw new DeliveryError(`Request failed: ${err instanceof Error ? err.message : String(err)}`, 0, true);
  }
  if (status >= 200 && status < 300) return status;
  const retryable = status >= 500 || status === 408 || status === 429;
  throw new DeliveryError(`Receiver answered HTTP ${status}`, status, retryable);
}

/** One POST with node:http(s), so the connection can be pinned with `lookup`; the body is discarded. */
function post(url: URL, headers: Record<string, string>, body: string, lookup: LookupFunction, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === "https:" ? https.request : http.request)(
      url,
      { method: "POST", headers, lookup, signal: AbortSignal.timeout(timeoutMs) },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** A webhook URL fit for logs: no query string, and long path segments (Slack keeps its token there) cut. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  const path = u.pathname
    .split("/")
    .map((s) => (s.length > 16 ? `${s.slice(0, 4)}…` : s))
    .join("/");
  return `${u.origin}${path}`;
}
