import { BlockList, isIP } from "node:net";

/**
 * Address lists from configuration: `PLUMBLINE_TRUSTED_PROXIES` and `PLUMBLINE_WEBHOOK_ALLOW` are
 * comma lists of IPs and CIDRs. Built on node:net's BlockList, which also matches an IPv4-mapped IPv6
 * address (::ffff:10.0.0.1) against an IPv4 range, so neither list can be sidestepped by that spelling.
 */
export interface AddressSet {
  has(address: string): boolean;
  readonly size: number;
}

/** Strips brackets and a zone id (fe80::1%eth0): node:net answers "not an IP" for both. */
export function bareAddress(address: string): string {
  const unbracketed = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const zone = unbracketed.indexOf("%");
  return zone >= 0 ? unbracketed.slice(0, zone) : unbracketed;
}

/** An IPv4-mapped IPv6 address as the IPv4 address it is; anything else unchanged. */
export function unmapped(address: string): string {
  const a = bareAddress(address).toLowerCase();
  const dotted = /^(?:::|(?:0{1,4}:){5})ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:::|(?:0{1,4}:){5})ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (hex?.[1] && hex[2]) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return a;
}

/**
 * Parses "10.0.0.0/8, 192.0.2.7, ::1"; entries that are neither an IP nor a CIDR are returned in
 * `invalid` so the caller can refuse to start rather than silently trust less (or more) than meant.
 */
export function parseAddressSet(list: string | undefined): { set: AddressSet; invalid: string[] } {
  const blocks = new BlockList();
  const invalid: string[] = [];
  let size = 0;
  for (const raw of (list ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const [addr = "", bits] = entry.split("/");
    const ip = unmapped(addr);
    const family = isIP(ip);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    const max = family === 6 ? 128 : 32;
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) {
      invalid.push(entry);
      continue;
    }
    blocks.addSubnet(ip, prefix, family === 6 ? "ipv6" : "ipv4");
    size++;
  }
  return { set: addressSet(blocks, size), invalid };
}

function addressSet(blocks: BlockList, size: number): AddressSet {
  return {
    size,
    has(address: string) {
      const ip = unmapped(address);
      const family = isIP(ip);
      return family !== 0 && blocks.check(ip, family === 6 ? "ipv6" : "ipv4");
    },
  };
}

/**
 * Destinations a server-side request must not reach unless allowed: loopback, private, link-local,
 * unspecified, carrier-grade NAT, multicast and reserved ranges, and IPv6 forms that embed IPv4
 * (NAT64, 6to4) since they can lead back to the same places.
 */
const INTERNAL_RANGES = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "::/128",
  "::1/128",
  "64:ff9b::/96",
  "2002::/16",
  "fc00::/7",
  "fe80::/10",
  "ff00::/8",
].join(",");

export const internalAddresses: AddressSet = parseAddressSet(INTERNAL_RANGES).set;
