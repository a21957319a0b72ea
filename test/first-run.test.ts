// First run: no default password anywhere. `stopline serve` prints a one-time setup link while
// no admin exists; `stopline user add` prints a one-time set-password link.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer } from './helpers/cli-process.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.drop());

const LINK = /(http:\/\/\S+\/setup#token=(stl_link_[A-Za-z0-9_-]+))/;

describe('first run', () => {
  it('prints a setup link once per start while no admin exists; the link creates the first admin', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'stopline-first-run-'));
    const first = await startServer(database.env, cwd);
    const printed = first.output().match(LINK);
    expect(printed, first.output()).not.toBeNull();
    expect(first.output().match(new RegExp(LINK.source, 'g'))).toHaveLength(1);
    const base = `http://127.0.0.1:${first.port}`;
    const page = await fetch(`${base}/setup`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script>(?!<)/);
    // Once the admin exists, the page leads to the console's sign-in.
    expect(html).toContain('href="/app/sign-in"');

    const post = (path: string, body: Record<string, string>) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const token = printed![2]!;
    const ada = { token, email: 'ada@example.org', displayName: 'First Admin' };
    expect((await post('/api/v1/setup', { ...ada, password: 'admin123' })).status).toBe(400);
    const setup = await post('/api/v1/setup', { ...ada, password: 'the first admin passphrase' });
    expect(setup.status).toBe(201);
    expect(((await setup.json()) as { roles: string[] }).roles).toEqual(['admin']);
    const again = await post('/api/v1/setup', {
      token,
      email: 'second@example.org',
      displayName: 'Second',
      password: 'the second admin passphrase',
    });
    expect(again.status).toBe(400);
    const signIn = await post('/api/v1/session', {
      email: 'ada@example.org',
      password: 'the first admin passphrase',
    });
    expect(signIn.status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await startServer(database.env, cwd);
    expect(second.output()).not.toMatch(LINK);
    expect(await second.stop()).toBe(0);
  });

  it('`stopline user add` creates an account and prints a one-time set-password link', async () => {
    const res = await runCli(
      [
        'user',
        'add',
        '--email',
        'lead@example.org',
        '--name',
        'Lead Person',
        '--role',
        'security_lead',
        '--role',
        'comms',
      ],
      database.env,
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Created lead@example.org (security_lead, comms)');
    expect(res.stdout).toMatch(/\/set-password#token=stl_link_[A-Za-z0-9_-]{43}/);

    const dup = await runCli(
      ['user', 'add', '--email', 'lead@example.org', '--name', 'Again', '--role', 'viewer'],
      database.env,
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');
    const usage = await runCli(['user', 'add', '--email', 'x@example.org'], database.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: stopline user add');
  });
});
