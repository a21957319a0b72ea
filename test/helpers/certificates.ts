// Self-signed certificates for tests that need a TLS peer, made by openssl (a real P-256 key and
// an X.509 certificate for localhost, valid two days) in a fresh temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** The certificate in PEM, for a client that trusts only it. */
  pem: string;
}

/** A self-signed certificate for CN=localhost; `ipSan` adds localhost and 127.0.0.1 as names. */
export function selfSignedCertificate(options: { ipSan?: boolean } = {}): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'stopline-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      ...(options.ipSan ? ['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'] : []),
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, pem: readFileSync(certFile, 'utf8') };
}
