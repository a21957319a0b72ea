// security.txt (RFC 9116): where and how to report, kept current. Expires is computed from the
// clock at each request, so the file never goes stale.
import { DAY } from '../../clock.ts';

export interface SecurityTxtOptions {
  baseUrl: string;
  securityEmail?: string;
  pgpKeyUrl?: string;
  preferredLanguages: string;
  /** The CSAF provider metadata (CSAF 2.0, section 7.1.8). */
  csafProviderUrl?: string;
  now: number;
}

export const SECURITY_TXT_LIFETIME = 180 * DAY;

export function securityTxt(o: SecurityTxtOptions): string {
  const expires = new Date(o.now + SECURITY_TXT_LIFETIME).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const lines = [
    '# Report security vulnerabilities privately; see the policy for what to expect.',
    `Contact: ${o.baseUrl}/report`,
    ...(o.securityEmail ? [`Contact: mailto:${o.securityEmail}`] : []),
    `Expires: ${expires}`,
    ...(o.pgpKeyUrl ? [`Encryption: ${o.pgpKeyUrl}`] : []),
    `Acknowledgments: ${o.baseUrl}/thanks`,
    `Preferred-Languages: ${o.preferredLanguages
      .split(',')
      .map((l) => l.trim())
      .join(', ')}`,
    `Canonical: ${o.baseUrl}/.well-known/security.txt`,
    `Policy: ${o.baseUrl}/policy`,
    ...(o.csafProviderUrl ? [`CSAF: ${o.csafProviderUrl}`] : []),
  ];
  return lines.join('\n') + '\n';
}
