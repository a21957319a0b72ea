// Which addresses Stopline's own outgoing requests (webhooks, Slack, chat) may reach: public
// unicast addresses only, unless the operator allow-lists a range (STOPLINE_OUTBOUND_ALLOW).
// Otherwise whoever may register an endpoint could make the server call its own loopback, the
// cloud metadata service or the internal network (SSRF). The check runs when an endpoint is
// saved and again on every connection, on the addresses DNS gave (see outbound-http.ts).
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Parsed STOPLINE_OUTBOUND_ALLOW: ranges that may be reached although they are not public. */
export type AllowList = readonly (readonly [Address, number])[];

const HINT =
  'outgoing requests go to public addresses only (an operator can allow a range with STOPLINE_OUTBOUND_ALLOW)';

/** Why one address may not be reached. */
export interface Refusal {
  address: string;
  /** e.g. "a loopback address" */
  what: string;
}

/** A request Stopline refuses to make; the message names the host and address, never a URL. */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
  constructor(
    readonly hostname: string,
    readonly refusal: Refusal,
  ) {
    const { address, what } = refusal;
    super(
      hostname === address
        ? `${address} is ${what}; ${HINT}`
        : `${hostname} resolves to ${address}, ${what}; ${HINT}`,
    );
  }
}

/** `entries`: CIDR ranges or single addresses, as config.ts validated them. */
export function parseAllowList(entries: readonly string[]): AllowList {
  return entries.map((entry) => {
    if (ipaddr.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
    const single = ipaddr.parse(entry);
    return [single, single.kind() === 'ipv4' ? 32 : 128] as const;
  });
}

/** True for a CIDR range or a single address in any form ipaddr.js reads. */
export function isAllowListEntry(entry: string): boolean {
  return ipaddr.isValidCIDR(entry) || ipaddr.isValid(entry);
}

const RANGE_WORDS: Record<string, string> = {
  unspecified: 'the unspecified address',
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a unique-local address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  carrierGradeNat: 'a carrier-grade NAT address',
};

// Global unicast IPv6 is 2000::/3; anything outside it (IPv4-compatible ::a.b.c.d included)
// is not a public receiver.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** Why `address` may not be reached, or null when it may. IPv4-mapped IPv6 (::ffff:a.b.c.d)
 * is judged as the IPv4 address it carries. */
export function refusalOf(address: string, allow: AllowList): Refusal | null {
  let parsed: Address;
  try {
    parsed = ipaddr.process(address.replace(/^\[|\]$/g, ''));
  } catch {
    return { address, what: 'not an IP address' };
  }
  const allowed = allow.some(
    ([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits),
  );
  if (allowed) return null;
  const range = parsed.range();
  const global =
    range === 'unicast' && (parsed.kind() === 'ipv4' || parsed.match(GLOBAL_UNICAST_V6));
  if (global) return null;
  return {
    address: parsed.toString(),
    what: RANGE_WORDS[range] ?? 'a reserved or special-purpose address',
  };
}

/** The IP address a URL's host names literally (any form: dotted, decimal, hex, octal,
 * bracketed IPv6), or null for a DNS name. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(bare) ? bare : null;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export const resolveWithDns: Resolve = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** The addresses of `hostname` that may be reached (an IP literal is its own address); throws
 * OutboundRefused when none may. Connections go only to what this returns. */
export async function resolveChecked(
  hostname: string,
  allow: AllowList,
  resolve: Resolve = resolveWithDns,
): Promise<ResolvedAddress[]> {
  const literal = ipLiteral(hostname);
  const addresses: ResolvedAddress[] = literal
    ? [{ address: literal, family: ipaddr.parse(literal).kind() === 'ipv6' ? 6 : 4 }]
    : await resolve(hostname);
  const permitted = addresses.filter(({ address }) => refusalOf(address, allow) === null);
  if (permitted.length > 0) return permitted;
  const first = addresses[0];
  if (!first) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
  const refusal = refusalOf(first.address, allow)!;
  throw new OutboundRefused(literal ? refusal.address : hostname, refusal);
}

/** For saving an endpoint: why its URL may not be used (a field message), or null. A name that
 * does not resolve now is accepted: it is checked again on every delivery. */
export async function checkReceiverUrl(
  url: string,
  allow: AllowList,
  resolve: Resolve = resolveWithDns,
): Promise<string | null> {
  // A slow resolver must not hold up the request that saves the endpoint.
  let timer: NodeJS.Timeout | undefined;
  const bounded: Resolve = (hostname) =>
    Promise.race([
      resolve(hostname),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no DNS answer in time')), 3000);
      }),
    ]).finally(() => clearTimeout(timer));
  try {
    await resolveChecked(new URL(url).hostname, allow, bounded);
    return null;
  } catch (error) {
    if (!(error instanceof OutboundRefused)) return null;
    const { hostname, refusal } = error;
    const which = hostname === refusal.address ? '' : `${hostname}, which resolves to `;
    return `must not point at ${which}${refusal.address}, ${refusal.what}; ${HINT}`;
  }
}

/** Whether STOPLINE_OUTBOUND_ALLOW names `address` itself (not merely that it is public). */
function allowedExplicitly(address: string, allow: AllowList): boolean {
  let parsed: Address;
  try {
    parsed = ipaddr.process(address);
  } catch {
    return false;
  }
  return allow.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
}

/** For a browser's push subscription: why its push service's URL may not be used, or null.
 * Push services speak https (RFC 8030); plain http only to an address the operator allowed by
 * STOPLINE_OUTBOUND_ALLOW (a push service inside the network), then the same address check as
 * any receiver's. */
export async function checkPushServiceUrl(
  url: string,
  allow: AllowList,
  resolve: Resolve = resolveWithDns,
): Promise<string | null> {
  const target = new URL(url);
  if (target.protocol === 'http:') {
    const literal = ipLiteral(target.hostname);
    if (!literal || !allowedExplicitly(literal, allow)) {
      return 'must be an https:// URL (plain http only to an address STOPLINE_OUTBOUND_ALLOW allows)';
    }
  } else if (target.protocol !== 'https:') {
    return 'must be an https:// URL';
  }
  return checkReceiverUrl(url, allow, resolve);
}
