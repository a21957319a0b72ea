// Calls for the status page tests: a JSON request that must succeed, answering its body.
import { expect } from 'vitest';
import type { TestApp } from './test-app.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** `call(method, url, headers, payload?)` on the app: asserts a 2xx and answers the JSON. */
export function succeeding(t: () => TestApp) {
  return async (method: Method, url: string, headers: Record<string, string>, payload?: object) => {
    const res = await t().app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
}
