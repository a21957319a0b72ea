// Configuration of outgoing delivery: SMTP and the retry schedule.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';

describe('delivery configuration', () => {
  it('defaults: STARTTLS on 587, ten attempts, 30 s doubling up to an hour; no SMTP means no e-mail', () => {
    expect(loadConfig({})).toMatchObject({
      smtpPort: 587,
      smtpSecurity: 'starttls',
      deliveryMaxAttempts: 10,
      deliveryRetrySeconds: 30,
      deliveryRetryMaxSeconds: 3600,
    });
    expect(loadConfig({}).smtpHost).toBeUndefined();
  });

  it('the outbox falls back to polling every 10 s (commits wake it sooner); STOPLINE_OUTBOX_POLL_SECONDS changes that', () => {
    expect(loadConfig({}).outboxPollSeconds).toBe(10);
    expect(loadConfig({ STOPLINE_OUTBOX_POLL_SECONDS: '60' }).outboxPollSeconds).toBe(60);
    expect(() => loadConfig({ STOPLINE_OUTBOX_POLL_SECONDS: '0' })).toThrow(
      /^STOPLINE_OUTBOX_POLL_SECONDS: must be at least 1/,
    );
  });

  it('outgoing requests reach public addresses only unless ranges are allowed', () => {
    expect(loadConfig({}).outboundAllow).toEqual([]);
    expect(
      loadConfig({ STOPLINE_OUTBOUND_ALLOW: '10.20.0.0/16, fd00::/8,192.0.2.7' }).outboundAllow,
    ).toEqual(['10.20.0.0/16', 'fd00::/8', '192.0.2.7']);
  });

  it.each([
    [
      { STOPLINE_SMTP_HOST: 'mail.example.org' },
      /^STOPLINE_MAIL_FROM: must be set when STOPLINE_SMTP_HOST is set$/,
    ],
    [{ STOPLINE_SMTP_SECURITY: 'ssl' }, /^STOPLINE_SMTP_SECURITY: must be starttls, tls or none/],
    [{ STOPLINE_SMTP_PORT: '99999' }, /^STOPLINE_SMTP_PORT: must be between 0 and 65535/],
    [{ STOPLINE_MAIL_FROM: 'nobody' }, /^STOPLINE_MAIL_FROM: must be an e-mail address/],
    [
      { STOPLINE_DELIVERY_MAX_ATTEMPTS: '0' },
      /^STOPLINE_DELIVERY_MAX_ATTEMPTS: must be at least 1/,
    ],
    [
      { STOPLINE_OUTBOUND_ALLOW: '10.0.0.0/8,intranet' },
      /^STOPLINE_OUTBOUND_ALLOW: must be CIDR ranges or addresses separated by commas/,
    ],
    [{ STOPLINE_OUTBOUND_ALLOW: '10.0.0.0/33' }, /^STOPLINE_OUTBOUND_ALLOW: must be CIDR ranges/],
    [
      { STOPLINE_SMTP_USER: 'stopline' },
      /^STOPLINE_SMTP_PASSWORD: must be set when STOPLINE_SMTP_USER is set$/,
    ],
  ])('refuses %j with one line naming the key', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts a display name in the From address', () => {
    const config = loadConfig({
      STOPLINE_SMTP_HOST: 'mail.example.org',
      STOPLINE_MAIL_FROM: 'Stopline <security@example.org>',
    });
    expect(config.mailFrom).toBe('Stopline <security@example.org>');
  });

  it('never repeats the SMTP password in an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stopline-config-'));
    const file = join(dir, 'stopline.yaml');
    // A number where text is expected: refused, and the value is not echoed.
    writeFileSync(file, 'smtpPassword: 8675309123\n');
    expect(() => loadConfig({ STOPLINE_CONFIG: file })).toThrow(/^STOPLINE_SMTP_PASSWORD: /);
    expect(() => loadConfig({ STOPLINE_CONFIG: file })).not.toThrow(/8675309123/);
  });
});
