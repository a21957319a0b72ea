// TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s) through otpauth, with a QR code for
// authenticator apps. A code is accepted at most once: its time step must be newer than the last.
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

const PERIOD_MS = 30_000;

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({
    issuer: 'Stopline',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_MS / 1000,
    secret: Secret.fromBase32(secret),
  });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export async function enrolmentDetails(
  secret: string,
  label: string,
): Promise<{ secret: string; otpauthUri: string; qrCodeDataUrl: string }> {
  const otpauthUri = totpFor(secret, label).toString();
  return { secret, otpauthUri, qrCodeDataUrl: await QRCode.toDataURL(otpauthUri) };
}

/** The time step the code belongs to, or null when it is wrong or already used. */
export function acceptTotp(
  secret: string,
  code: string,
  now: number,
  lastCounter: number | null,
): number | null {
  const delta = totpFor(secret, '').validate({
    token: code.replace(/\s/g, ''),
    timestamp: now,
    window: 1,
  });
  if (delta === null) return null;
  const counter = Math.floor(now / PERIOD_MS) + delta;
  return lastCounter !== null && counter <= lastCounter ? null : counter;
}

/** Test and CLI helper: the code an authenticator app would show at a time. */
export function totpCodeAt(secret: string, at: number): string {
  return totpFor(secret, '').generate({ timestamp: at });
}
