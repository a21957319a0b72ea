import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config.ts';
import { runCli, startServer } from './helpers/cli-process.ts';

describe('configuration', () => {
  it('starts with safe defaults on an empty environment: SQLite in ./data on 127.0.0.1:8080', () => {
    const config = loadConfig({}, '/srv/stopline');
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      database: 'sqlite',
      sqlitePath: '/srv/stopline/data/stopline.db',
      baseUrl: 'http://localhost:8080',
    });
  });

  it('never repeats a DATABASE_URL it refuses, since it may hold the password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2hunter2@db/x' })).toThrow(
      /^DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\/$/,
    );
  });

  it('selects PostgreSQL when DATABASE_URL is a postgres:// URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/stopline' });
    expect(config.database).toBe('postgres');
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT: must be a number/],
    [{ PORT: '70000' }, /^PORT: must be between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /^DATABASE_URL: must be a URL starting with postgres:/],
    [{ STOPLINE_BASE_URL: 'stopline.example' }, /^STOPLINE_BASE_URL: must be a URL/],
    [{ STOPLINE_LOG_LEVEL: 'loud' }, /^STOPLINE_LOG_LEVEL: /],
    [{ STOPLINE_TRUST_PROXY: 'maybe' }, /^STOPLINE_TRUST_PROXY: must be true or false/],
    [
      { STOPLINE_HEADERS_TIMEOUT_SECONDS: '90' },
      /^STOPLINE_HEADERS_TIMEOUT_SECONDS: must be at most STOPLINE_REQUEST_TIMEOUT_SECONDS \(60\)/,
    ],
    [
      { STOPLINE_SHUTDOWN_GRACE_SECONDS: '-1' },
      /^STOPLINE_SHUTDOWN_GRACE_SECONDS: must be 0 or more/,
    ],
    [
      { STOPLINE_IMAP_HOST: 'imap.example.org', STOPLINE_IMAP_USER: 'security' },
      /^STOPLINE_SECURITY_EMAIL: must be set when STOPLINE_IMAP_HOST is set/,
    ],
    [
      {
        STOPLINE_IMAP_HOST: 'imap.example.org',
        STOPLINE_SECURITY_EMAIL: 'security@example.org',
        STOPLINE_IMAP_USER: 'security',
      },
      /^STOPLINE_IMAP_PASSWORD: must be set when STOPLINE_IMAP_HOST is set/,
    ],
    [
      {
        STOPLINE_IMAP_HOST: 'imap.example.org',
        STOPLINE_SECURITY_EMAIL: 'security@example.org',
        STOPLINE_IMAP_USER: 'security',
        STOPLINE_IMAP_PASSWORD: 'imap-pw-Quokka-7781',
        STOPLINE_IMAP_SECURITY: 'none',
      },
      /^STOPLINE_IMAP_SECURITY: none would send STOPLINE_IMAP_PASSWORD unencrypted; use tls or starttls, or set STOPLINE_IMAP_ALLOW_PLAINTEXT_AUTH=true to accept that \(got "none"\)$/,
    ],
    [{ STOPLINE_IMAP_AFTER: 'delete' }, /^STOPLINE_IMAP_AFTER: must be move, flag or keep/],
  ])('refuses %j with a message naming the key', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads an optional YAML file; environment variables win over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stopline-config-'));
    const file = join(dir, 'stopline.yaml');
    writeFileSync(file, 'port: 9000\nhost: 0.0.0.0\nbaseUrl: https://security.example.com/\n');
    const config = loadConfig({ STOPLINE_CONFIG: file, PORT: '9100' });
    expect(config).toMatchObject({
      port: 9100,
      host: '0.0.0.0',
      baseUrl: 'https://security.example.com',
    });
  });

  it('refuses an unknown key in the config file instead of ignoring a typo', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stopline-config-'));
    const file = join(dir, 'stopline.yaml');
    writeFileSync(file, 'prot: 9000\n');
    expect(() => loadConfig({ STOPLINE_CONFIG: file })).toThrow(/unknown key "prot"/);
  });

  it('a malformed value stops `stopline serve` with one line naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stopline-config-'));
    const result = await runCli(['serve'], { PORT: 'abc', STOPLINE_DATA_DIR: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'stopline: configuration error: PORT: must be a number (got "abc")',
    ]);
  });

  describe('SMTP credentials are never sent in clear unless explicitly allowed', () => {
    const plaintextAuth = {
      STOPLINE_SMTP_HOST: 'mail.example.org',
      STOPLINE_SMTP_PORT: '25',
      STOPLINE_MAIL_FROM: 'security@example.org',
      STOPLINE_SMTP_SECURITY: 'none',
      STOPLINE_SMTP_USER: 'stopline',
      STOPLINE_SMTP_PASSWORD: 'relay-pw-Numbat-3390',
    };
    const refusal =
      'STOPLINE_SMTP_SECURITY: none would send STOPLINE_SMTP_USER and STOPLINE_SMTP_PASSWORD unencrypted; use starttls or tls, or set STOPLINE_SMTP_ALLOW_PLAINTEXT_AUTH=true to accept that (got "none")';

    it('refuses STOPLINE_SMTP_SECURITY=none with a user and password, naming the settings', () => {
      expect(() => loadConfig(plaintextAuth)).toThrow(refusal);
      expect(() => loadConfig(plaintextAuth)).not.toThrow(/relay-pw-Numbat-3390/);
      // The same from a config file.
      const dir = mkdtempSync(join(tmpdir(), 'stopline-config-'));
      const file = join(dir, 'stopline.yaml');
      writeFileSync(
        file,
        'smtpHost: mail.example.org\nmailFrom: security@example.org\nsmtpSecurity: none\nsmtpUser: stopline\nsmtpPassword: relay-pw-Numbat-3390\n',
      );
      expect(() => loadConfig({ STOPLINE_CONFIG: file })).toThrow(refusal);
    });

    it('accepts it with STOPLINE_SMTP_ALLOW_PLAINTEXT_AUTH=true, and none without credentials', () => {
      const allowed = loadConfig({ ...plaintextAuth, STOPLINE_SMTP_ALLOW_PLAINTEXT_AUTH: 'true' });
      expect(allowed).toMatchObject({ smtpSecurity: 'none', smtpAllowPlaintextAuth: true });
      const { STOPLINE_SMTP_USER: _u, STOPLINE_SMTP_PASSWORD: _p, ...relay } = plaintextAuth;
      expect(loadConfig(relay).smtpSecurity).toBe('none');
      for (const security of ['starttls', 'tls']) {
        expect(loadConfig({ ...plaintextAuth, STOPLINE_SMTP_SECURITY: security }).smtpUser).toBe(
          'stopline',
        );
      }
    });

    it('`stopline serve` refuses to start with one line naming the settings, exit code 2', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'stopline-config-'));
      const result = await runCli(['serve'], { ...plaintextAuth, STOPLINE_DATA_DIR: dir });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        `stopline: configuration error: ${refusal}`,
      ]);
      expect(result.stdout + result.stderr).not.toContain('relay-pw-Numbat-3390');
    });

    it('`stopline serve` allowed to start, warns that the credentials go unencrypted, and never logs the password', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'stopline-config-'));
      const server = await startServer({
        ...plaintextAuth,
        STOPLINE_SMTP_ALLOW_PLAINTEXT_AUTH: 'true',
        STOPLINE_DATA_DIR: dir,
        STOPLINE_LOG_LEVEL: 'info',
      });
      expect(await server.stop()).toBe(0);
      expect(server.output()).toContain(
        'SMTP: STOPLINE_SMTP_SECURITY=none with STOPLINE_SMTP_ALLOW_PLAINTEXT_AUTH=true sends the SMTP user name and password unencrypted',
      );
      expect(server.output()).not.toContain('relay-pw-Numbat-3390');
    });
  });
});
