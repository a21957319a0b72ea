// The team's OpenPGP public key for the security address: armored at /pgp-key.asc (security.txt's
// Encryption), and by the Web Key Directory (draft-koch-openpgp-webkey-service), both the direct
// method (/.well-known/openpgpkey/hu/<hash>) and the advanced one (…/openpgpkey/<domain>/hu/<hash>,
// for an openpgpkey.<domain> host proxied here), each with its policy file. 404 when e-mail intake
// is off.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { MailModule } from '../../domain/mail/index.ts';

export interface OpenPgpKeyRoutesOptions {
  mail: Pick<MailModule, 'findPublishedKey' | 'findWkdKey'>;
  config: Pick<Config, 'securityEmail'>;
}

const Hash = z.string().regex(/^[ybndrfg8ejkmcpqxot1uwisza345h769]{32}$/i);
const Domain = z.string().min(1).max(253);

export async function openPgpKeyRoutes(app: FastifyInstance, opts: OpenPgpKeyRoutesOptions) {
  const { mail, config } = opts;
  const domain = config.securityEmail?.slice(config.securityEmail.lastIndexOf('@') + 1);
  const isOurs = (d: string) => domain !== undefined && d.toLowerCase() === domain.toLowerCase();
  const notFound = (reply: FastifyReply) =>
    reply.code(404).type('text/plain; charset=utf-8').send('No key here.\n');
  // WKD clients (browsers' extensions too) fetch across origins.
  const wkd = (reply: FastifyReply) =>
    reply
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'public, max-age=3600');

  app.get('/pgp-key.asc', { config: { public: true } }, async (_request, reply) => {
    const key = await mail.findPublishedKey();
    if (!key) return notFound(reply);
    return reply
      .header('cache-control', 'public, max-age=3600')
      .type('text/plain; charset=utf-8')
      .send(key.publicKey);
  });

  const policy = async (reply: FastifyReply, ok: boolean) =>
    ok && config.securityEmail
      ? wkd(reply).type('text/plain; charset=utf-8').send('')
      : notFound(reply);
  app.get('/.well-known/openpgpkey/policy', { config: { public: true } }, (_request, reply) =>
    policy(reply, true),
  );
  app.get(
    '/.well-known/openpgpkey/:domain/policy',
    { config: { public: true }, schema: { params: z.object({ domain: Domain }) } },
    (request, reply) => policy(reply, isOurs((request.params as { domain: string }).domain)),
  );

  const key = async (reply: FastifyReply, hash: string, ok: boolean) => {
    const found = ok && Hash.safeParse(hash).success ? await mail.findWkdKey(hash) : null;
    return found ? wkd(reply).type('application/octet-stream').send(found) : notFound(reply);
  };
  app.get(
    '/.well-known/openpgpkey/hu/:hash',
    { config: { public: true }, schema: { params: z.object({ hash: z.string().max(64) }) } },
    (request, reply) => key(reply, (request.params as { hash: string }).hash, true),
  );
  app.get(
    '/.well-known/openpgpkey/:domain/hu/:hash',
    {
      config: { public: true },
      schema: { params: z.object({ domain: Domain, hash: z.string().max(64) }) },
    },
    (request, reply) => {
      const params = request.params as { domain: string; hash: string };
      return key(reply, params.hash, isOurs(params.domain));
    },
  );
}
