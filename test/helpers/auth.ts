// STAND-IN until accounts lands; the accounts branch replaces this file.
// Without the auth plugin no route checks credentials, so "signing in" returns no headers.
import type { TestApp } from './test-app.ts';

export interface TestLogin {
  userId: string;
  headers: Record<string, string>;
}

export async function loginAs(_t: TestApp, _roles: string | string[]): Promise<TestLogin> {
  return { userId: 'test', headers: {} };
}
