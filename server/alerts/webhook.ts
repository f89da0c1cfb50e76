import { createHmac, timingSafeEqual } from "node:crypto";
import { type AlertMessage, headline, messageJson } from "./message";
import type { WebhookRecipient } from "./rule";

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

/** Posts one signed webhook; resolves with the HTTP status on 2xx, throws DeliveryError otherwise. */
export async function postWebhook(
  recipient: WebhookRecipient,
  m: AlertMessage,
  deliveryId: string,
  now: Date,
  timeoutMs = 10_000,
): Promise<number> {
  const raw = JSON.stringify(webhookBody(m, recipient.format));
  const ts = Math.floor(now.getTime() / 1000);
  let res: Response;
  try {
    res = await fetch(recipient.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Plumbline-Alerts/1",
        [TIMESTAMP_HEADER]: String(ts),
        [SIGNATURE_HEADER]: signWebhook(recipient.secret, ts, raw),
        "x-plumbline-event": `alert.${m.event}`,
        "x-plumbline-delivery": deliveryId,
      },
      body: raw,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new DeliveryError(`Request failed: ${err instanceof Error ? err.message : String(err)}`, 0, true);
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return res.status;
  const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
  throw new DeliveryError(`Receiver answered HTTP ${res.status}`, res.status, retryable);
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
