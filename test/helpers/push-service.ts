// A local Web Push service and the browser side of a subscription, for tests of the push channel.
// The service checks what a real one checks (RFC 8030, 8291, 8292): the VAPID token in
// `Authorization: vapid t=…, k=…` is an ES256 JWT signed by the key it names (the server's
// public key), for this service's origin (`aud`), not expired and at most 24 hours ahead
// (`exp`), with a contact (`sub`); the body is aes128gcm and opens with the subscription's
// private key and auth secret (Node crypto's ECDH and HKDF, not the library that encrypted it).
// What it cannot verify it refuses (401 for the token, 400 for the body), as a push service would.
import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  verify,
  type ECDH,
} from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A browser's side of a push subscription: its key pair and auth secret. */
export interface BrowserKeys {
  ecdh: ECDH;
  /** As PushSubscription.toJSON() gives them. */
  keys: { p256dh: string; auth: string };
}

export function browserKeys(): BrowserKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    ecdh,
    keys: {
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    },
  };
}

/** Opens an aes128gcm body (RFC 8188) encrypted for this browser (RFC 8291). */
export function openPushBody(body: Buffer, browser: BrowserKeys): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const senderKey = body.subarray(21, 21 + idLength);
  const records = body.subarray(21 + idLength);
  if (idLength !== 65 || records.length > recordSize) throw new Error('not one aes128gcm record');
  const shared = browser.ecdh.computeSecret(senderKey);
  const auth = Buffer.from(browser.keys.auth, 'base64url');
  const info = Buffer.concat([
    Buffer.from('WebPush: info\0'),
    browser.ecdh.getPublicKey(),
    senderKey,
  ]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, auth, info, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, 'Content-Encoding: aes128gcm\0', 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, 'Content-Encoding: nonce\0', 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([
    decipher.update(records.subarray(0, records.length - 16)),
    decipher.final(),
  ]);
  // The last record ends with the delimiter 2, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('the last record has no delimiter');
  return padded.subarray(0, end).toString('utf8');
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

/** Checks `Authorization: vapid t=<jwt>, k=<key>`: answers the claims, or why it is refused. */
export function checkVapid(
  authorization: string | undefined,
  expected: { publicKey: string; audience: string; nowSeconds: number },
): VapidClaims | string {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization ?? '');
  if (!match) return 'no vapid Authorization';
  const [, jwt, key] = match as unknown as [string, string, string];
  if (key !== expected.publicKey) return 'k is not the key the subscription was made with';
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const raw = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return 'the ES256 signature does not verify';
  const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
  if (head.alg !== 'ES256') return `alg ${head.alg}`;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as VapidClaims;
  if (claims.aud !== expected.audience) return `aud ${claims.aud} is not ${expected.audience}`;
  if (!(claims.exp > expected.nowSeconds)) return 'the token has expired';
  if (claims.exp > expected.nowSeconds + 24 * 60 * 60) return 'exp is more than 24 hours ahead';
  if (!/^(mailto:|https:)/.test(claims.sub)) return `sub ${claims.sub} is no contact`;
  return claims;
}

export interface PushSeen {
  /** The subscription it went to (the path's last part). */
  token: string;
  headers: IncomingHttpHeaders;
  claims: VapidClaims;
  /** The decrypted payload, parsed. */
  payload: Record<string, unknown>;
  /** When it arrived (real time, ms). */
  arrivedAt: number;
}

export interface PushService {
  /** http://127.0.0.1:port (the VAPID audience). */
  origin: string;
  /** A new subscription endpoint on this service, for a browser's keys. */
  subscribe(browser: BrowserKeys): { endpoint: string; keys: BrowserKeys['keys'] };
  seen: PushSeen[];
  refused: string[];
  /** Status codes to answer accepted pushes with, in turn; when used up, 201. */
  answers: number[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPushService(options: {
  /** The server's VAPID public key, as GET /api/v1/me/push-subscriptions gives it. */
  publicKey: () => string;
  /** Now, in ms (the app's clock: the token's exp is judged against it). */
  now: () => number;
}): Promise<PushService> {
  const seen: PushSeen[] = [];
  const refused: string[] = [];
  const answers: number[] = [];
  const browsers = new Map<string, BrowserKeys>();
  let origin = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const refuse = (status: number, why: string) => {
        refused.push(why);
        res.statusCode = status;
        res.end(why);
      };
      const token = (req.url ?? '').split('/').pop() ?? '';
      const browser = browsers.get(token);
      if (req.method !== 'POST' || !browser) return refuse(404, 'no such subscription');
      const claims = checkVapid(req.headers.authorization, {
        publicKey: options.publicKey(),
        audience: origin,
        nowSeconds: Math.floor(options.now() / 1000),
      });
      if (typeof claims === 'string') return refuse(401, claims);
      if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(400, 'not aes128gcm');
      if (!/^\d+$/.test(String(req.headers.ttl))) return refuse(400, 'no TTL');
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(openPushBody(Buffer.concat(chunks), browser)) as Record<
          string,
          unknown
        >;
      } catch (error) {
        return refuse(400, `the body does not open: ${String(error)}`);
      }
      seen.push({ token, headers: req.headers, claims, payload, arrivedAt: Date.now() });
      res.statusCode = answers.shift() ?? 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    subscribe(browser) {
      const token = randomBytes(12).toString('base64url');
      browsers.set(token, browser);
      return { endpoint: `${origin}/push/v2/${token}`, keys: browser.keys };
    },
    seen,
    refused,
    answers,
    async waitFor(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (seen.length < count) {
        if (Date.now() > until) {
          throw new Error(`only ${seen.length} of ${count} pushes arrived (${refused.join('; ')})`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
