// SPF, DKIM and DMARC of an inbound message with mailauth, behind the mail subject's
// MailAuthenticator port. DNS goes through the resolver given (dns.promises.resolve in
// production; tests publish their records through one of their own).
import { authenticate, type DNSResolver } from 'mailauth';
import type { MailAuthentication, MailAuthenticator } from '../domain/mail/index.ts';

export type { DNSResolver };

export function createMailAuthenticator(options: {
  resolver: DNSResolver;
  /** Our own host name, as the receiving MTA. */
  mta: string;
}): MailAuthenticator {
  return {
    async authenticate(raw, envelope): Promise<MailAuthentication> {
      const result = await authenticate(raw, {
        ...(envelope.ip ? { ip: envelope.ip } : {}),
        ...(envelope.helo ? { helo: envelope.helo } : {}),
        ...(envelope.sender !== null ? { sender: envelope.sender } : {}),
        mta: options.mta,
        resolver: options.resolver,
        disableArc: true,
        disableBimi: true,
      });
      return {
        spf: result.spf ? result.spf.status.result : 'none',
        // mailauth answers one "none" entry for an unsigned message: no signature, no entry.
        dkim: result.dkim.results
          .filter((r) => typeof r.signingDomain === 'string' && r.signingDomain !== '')
          .map((r) => ({
            domain: r.signingDomain,
            result: r.status.result,
          })),
        dmarc: result.dmarc ? result.dmarc.status.result : 'none',
        fromDomain: result.dmarc ? result.dmarc.domain : null,
      };
    },
  };
}
