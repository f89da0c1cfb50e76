import { lookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { env } from "@/server/env";
import { bareAddress, internalAddresses, parseAddressSet } from "@/server/ip-range";

/**
 * Where an alert webhook may be delivered (issue 24, finding 6). An ops member chooses the URL, and
 * the server makes the request: without a check that is a way to reach loopback, the cloud metadata
 * address and every service on the firm's private network. So a destination whose name resolves to
 * any internal address (server/ip-range.ts) is refused unless PLUMBLINE_WEBHOOK_ALLOW lists its host
 * or a range holding the address. Every address a name resolves to is checked, and the connection is
 * then made to those checked addresses only (pinned), so a second, different DNS answer between check
 * and connect (DNS rebinding) cannot take the request elsewhere.
 */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses; injectable so tests never query DNS or leave loopback. */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export class WebhookDestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookDestinationError";
  }
}

export interface DestinationPolicy {
  resolve?: Resolver;
  /** PLUMBLINE_WEBHOOK_ALLOW: host names and IPs/CIDRs; defaults to the environment's. */
  allow?: string;
}

/** The allow-list split into host names and address ranges. */
function allowList(list: string | undefined) {
  const entries = (list ?? "").split(",").map((e) => e.trim().toLowerCase()).filter(Boolean);
  const ranges = entries.filter((e) => isIP(bareAddress(e.split("/")[0] ?? "")) !== 0);
  const hosts = new Set(entries.filter((e) => !ranges.includes(e)));
  const parsed = parseAddressSet(ranges.join(","));
  return { hosts, ranges: parsed.set };
}

/**
 * Checks a webhook URL and returns the addresses to connect to. Refuses schemes other than http(s),
 * and any internal address not allowed — one internal answer among public ones refuses the whole name,
 * since the connection could be made to any of them.
 */
export async function checkWebhookDestination(url: URL, policy: DestinationPolicy = {}): Promise<ResolvedAddress[]> {
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new WebhookDestinationError("Webhook URLs must be http or https.");
  if (url.username || url.password) throw new WebhookDestinationError("Webhook URLs must not carry credentials.");
  const host = bareAddress(url.hostname).toLowerCase();
  const allow = allowList(policy.allow ?? env().PLUMBLINE_WEBHOOK_ALLOW);
  const family = isIP(host);
  const addresses: ResolvedAddress[] = family
    ? [{ address: host, family: family === 6 ? 6 : 4 }]
    : await (policy.resolve ?? systemResolver)(host).catch(() => {
        throw new WebhookDestinationError(`The webhook host ${host} could not be resolved.`);
      });
  if (addresses.length === 0) throw new WebhookDestinationError(`The webhook host ${host} could not be resolved.`);
  if (allow.hosts.has(host)) return addresses;
  for (const a of addresses) {
    if (internalAddresses.has(a.address) && !allow.ranges.has(a.address)) {
      // Which address is not said: the answer would map the private network just as well.
      throw new WebhookDestinationError(
        `The webhook host ${host} is a private, loopback or link-local destination; an administrator can allow it with PLUMBLINE_WEBHOOK_ALLOW.`,
      );
    }
  }
  return addresses;
}

/**
 * A `lookup` for http.request that answers only with the already-checked addresses, so the socket
 * goes where the check looked and nowhere else.
 */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const list = wanted.length ? wanted : addresses;
    if (options.all) {
      (callback as unknown as (err: null, all: ResolvedAddress[]) => void)(null, list);
      return;
    }
    const first = list[0];
    if (!first) callback(new WebhookDestinationError("no checked address"), "", 0);
    else callback(null, first.address, first.family);
  };
}
