// Operator automation: `stopline token create` gives a provisioning script an API token for an
// account (the token alone on stdout, shown once, audited), and `stopline user add` says which
// address its links start with and where that came from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  const added = await runCli(
    ['user', 'add', '--email', 'ops@example.org', '--name', 'Ops', '--role', 'responder'],
    database.env,
  );
  expect(added.code).toBe(0);
});
afterAll(async () => database.drop());

describe('stopline token create', () => {
  it('prints a token that works on the API with exactly the permissions asked, audited with its owner', async () => {
    const res = await runCli(
      [
        'token',
        'create',
        '--user',
        'ops@example.org',
        '--permission',
        'incidents.read',
        '--name',
        'deploy script',
      ],
      database.env,
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^stl_token_[A-Za-z0-9_-]+\n$/);
    expect(res.stderr).toContain('Created API token "deploy script"');
    expect(res.stderr).toContain('for ops@example.org with incidents.read');
    expect(res.stderr).toContain('shown only this once');
    const token = res.stdout.trim();

    const { createContainer } = await import('../../src/server/container.ts');
    const { buildApp } = await import('../../src/server/http/app.ts');
    const container = await createContainer(database.config);
    const app = await buildApp(container);
    try {
      const auth = { authorization: `Bearer ${token}` };
      const list = await app.inject({ method: 'GET', url: '/api/v1/incidents', headers: auth });
      expect(list.statusCode).toBe(200);
      // A responder may read reports, but this token was not given that permission.
      const reports = await app.inject({ method: 'GET', url: '/api/v1/reports', headers: auth });
      expect(reports.statusCode).toBe(403);
      const audit = await container.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'token.created')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_kind).toBe('system');
      expect(JSON.parse(audit[0]!.detail_json)).toMatchObject({
        name: 'deploy script',
        permissions: ['incidents.read'],
      });
      expect(audit[0]!.detail_json).not.toContain(token);
    } finally {
      await app.close();
      await container.close();
    }
  }, 60_000);

  it('refuses an unknown account, a permission its roles lack, an unknown permission and a bad expiry', async () => {
    const nobody = await runCli(
      ['token', 'create', '--user', 'nobody@example.org', '--permission', 'incidents.read'],
      database.env,
    );
    expect(nobody.code).toBe(1);
    expect(nobody.stdout).toBe('');
    expect(nobody.stderr).toContain('No active account has the email nobody@example.org');

    const beyond = await runCli(
      ['token', 'create', '--user', 'ops@example.org', '--permission', 'users.manage'],
      database.env,
    );
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toContain('responder do not have users.manage');

    const unknown = await runCli(
      ['token', 'create', '--user', 'ops@example.org', '--permission', 'everything'],
      database.env,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown permission everything');

    const past = await runCli(
      [
        'token',
        'create',
        '--user',
        'ops@example.org',
        '--permission',
        'incidents.read',
        '--expires',
        '2001-01-01T00:00:00Z',
      ],
      database.env,
    );
    expect(past.code).toBe(1);
    expect(past.stderr).toContain('expiresAt must be in the future');
  }, 120_000);
});

describe('stopline user add', () => {
  it('says which address its links start with and where that came from', async () => {
    const defaulted = await runCli(
      ['user', 'add', '--email', 'a@example.org', '--name', 'A', '--role', 'viewer'],
      { ...database.env, PORT: '9123' },
    );
    expect(defaulted.code).toBe(0);
    expect(defaulted.stdout).toMatch(/http:\/\/localhost:9123\/set-password#token=/);
    expect(defaulted.stdout).toContain(
      'Links start with http://localhost:9123, from the default (STOPLINE_BASE_URL is not set: http://localhost and PORT 9123); set STOPLINE_BASE_URL',
    );

    const configured = await runCli(
      ['user', 'add', '--email', 'b@example.org', '--name', 'B', '--role', 'viewer'],
      { ...database.env, STOPLINE_BASE_URL: 'https://stopline.example.org/' },
    );
    expect(configured.stdout).toContain('https://stopline.example.org/set-password#token=');
    expect(configured.stdout).toContain(
      'Links start with https://stopline.example.org, from STOPLINE_BASE_URL.',
    );
  }, 60_000);
});
