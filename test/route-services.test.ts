// Routes are handed the services they declare, and no more, at run time too: a plugin that
// declares part of a module (`Pick<AccountsModule, 'users'>`) gets a frozen object with those
// keys only, so a cast cannot reach the rest (http/route-services.ts, used by http/app.ts). The
// same for the settings of a plugin that declares `Pick<Config, …>`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountsModule } from '../src/server/domain/accounts/index.ts';
import type { Config } from '../src/server/config.ts';
import { only, routeConfig, routeServices, settings } from '../src/server/http/route-services.ts';
import { loginAs } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('narrowed route services', () => {
  it('the users routes get users, mfa and listRoles of accounts; a cast finds no sessions', () => {
    const { accounts } = routeServices(t.container.services).users;
    expect(Object.keys(accounts).sort()).toEqual(['listRoles', 'mfa', 'users']);
    const cast = accounts as unknown as AccountsModule;
    expect(cast.sessions).toBeUndefined();
    expect(cast.tokens).toBeUndefined();
    expect(() => {
      (cast as { sessions: unknown }).sessions = t.container.services.accounts.sessions;
    }).toThrow(TypeError);
  });

  it('every narrowed module is frozen and holds fewer keys than the module', () => {
    const services = t.container.services as unknown as Record<string, object>;
    for (const [plugin, given] of Object.entries(routeServices(t.container.services))) {
      for (const [name, narrowed] of Object.entries(given)) {
        const whole = services[name]!;
        expect(Object.isFrozen(narrowed), `${plugin}.${name}`).toBe(true);
        const keys = Object.keys(narrowed);
        expect(keys.every((k) => k in whole)).toBe(true);
        expect(keys.length, `${plugin}.${name}`).toBeLessThan(Object.keys(whole).length);
      }
    }
  });

  it('refuses a key the module does not have', () => {
    expect(() => only(t.container.services.accounts, ['nope' as keyof AccountsModule])).toThrow(
      /no nope/,
    );
  });

  it('plugins that declare part of the config get those settings only, frozen', () => {
    const { config } = t.container;
    const given = routeConfig(config);
    expect(Object.keys(given.stream).sort()).toEqual([
      'streamHeartbeatSeconds',
      'streamMaxPerCaller',
    ]);
    expect(Object.keys(given.reportIntake).sort()).toEqual([
      'attachmentMaxBytes',
      'attachmentMaxCount',
      'baseUrl',
    ]);
    for (const plugin of ['auth', 'session', 'oidc', 'setup'] as const) {
      expect(Object.keys(given[plugin]), plugin).toEqual(['baseUrl']);
    }
    for (const [plugin, picked] of Object.entries(given)) {
      expect(Object.isFrozen(picked), plugin).toBe(true);
      for (const [key, value] of Object.entries(picked)) {
        expect(value, `${plugin}.${key}`).toBe(config[key as keyof Config]);
      }
      // Nothing else of the config: not its database, not its data directory.
      const cast = picked as unknown as Config;
      expect(cast.databaseUrl, plugin).toBeUndefined();
      expect(cast.dataDir, plugin).toBeUndefined();
      expect(Object.keys(picked).length, plugin).toBeLessThan(Object.keys(config).length);
    }
    // An optional setting left unset is still declared, and still the only thing there.
    const unset = settings({ ...config, securityEmail: undefined }, ['securityEmail']);
    expect(Object.keys(unset)).toEqual(['securityEmail']);
    expect(unset.securityEmail).toBeUndefined();
  });

  it('the public site, the report form and the stream answer with their narrowed settings', async () => {
    for (const url of ['/report', '/.well-known/security.txt', '/policy']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
    const txt = await t.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
    expect(txt.body).toContain(`${t.container.config.baseUrl}/`);
  });

  it('the narrowed routes still answer over HTTP', async () => {
    const admin = await loginAs(t, 'admin');
    for (const url of ['/api/v1/line', '/api/v1/users', '/api/v1/roles', '/api/v1/deadlines']) {
      const res = await t.app.inject({ method: 'GET', url, headers: admin.headers });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
  });
});
