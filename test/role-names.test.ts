// Roles keep their ids (the permission table is keyed by them) but carry the names this
// organisation uses, set by STOPLINE_ROLE_NAMES.
import { describe, expect, it } from 'vitest';
import { loginAs } from './helpers/auth.ts';
import { runCli } from './helpers/cli-process.ts';
import { createTestApp } from './helpers/test-app.ts';
import { createTestDatabase } from './helpers/test-db.ts';

describe('role names', () => {
  it('shows the names this organisation chose, with the built-in names for the rest', async () => {
    const t = await createTestApp({
      env: { STOPLINE_ROLE_NAMES: 'responder=Developer on call, viewer=Executive' },
    });
    try {
      const viewer = await loginAs(t, 'viewer');
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/roles',
        headers: viewer.headers,
      });
      expect(res.statusCode).toBe(200);
      const roles = res.json() as Array<{ id: string; name: string; permissions: string[] }>;
      expect(roles.map((r) => [r.id, r.name])).toEqual([
        ['admin', 'Administrator'],
        ['security_lead', 'Security lead'],
        ['responder', 'Developer on call'],
        ['comms', 'Communications lead'],
        ['legal', 'Legal / DPO'],
        ['viewer', 'Executive'],
      ]);
      expect(roles.find((r) => r.id === 'viewer')?.permissions).not.toContain('incidents.update');
      const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/roles' });
      expect(anonymous.statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('a name for a role that does not exist stops start-up, naming the setting', async () => {
    const database = await createTestDatabase();
    try {
      const result = await runCli(['migrate'], { ...database.env });
      expect(result.code).toBe(0);
      const serve = await runCli(['serve'], {
        ...database.env,
        PORT: '0',
        STOPLINE_ROLE_NAMES: 'developer=Developer',
      });
      expect(serve.code).not.toBe(0);
      expect(serve.stderr).toContain('STOPLINE_ROLE_NAMES: "developer" is not a role');
    } finally {
      await database.drop();
    }
  });
});
