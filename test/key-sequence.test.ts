import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer, type Container } from '../src/server/container.ts';
import { allocateKey, allocateYearlyKey } from '../src/server/db/key-sequence.ts';
import { inTransaction } from '../src/server/db/transaction.ts';
import { createLogger } from '../src/server/logger.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.ts';

let database: TestDatabase;
let c: Container;
beforeAll(async () => {
  database = await createTestDatabase();
  c = await createContainer(database.config, { logger: createLogger('silent') });
});
afterAll(async () => {
  await c.close();
  await database.drop();
});

describe('human keys', () => {
  it('reads like RPT-0001 and INC-2026-0001', async () => {
    expect(await inTransaction(c.db, (tx) => allocateKey(tx, 'RPT'))).toBe('RPT-0001');
    expect(await inTransaction(c.db, (tx) => allocateKey(tx, 'RPT'))).toBe('RPT-0002');
    const at = Date.parse('2026-06-01T00:00:00Z');
    expect(await inTransaction(c.db, (tx) => allocateYearlyKey(tx, 'INC', at))).toBe(
      'INC-2026-0001',
    );
    const nextYear = Date.parse('2027-01-01T00:00:00Z');
    expect(await inTransaction(c.db, (tx) => allocateYearlyKey(tx, 'INC', nextYear))).toBe(
      'INC-2027-0001',
    );
  });

  it('50 concurrent allocations give 50 distinct keys', async () => {
    const keys = await Promise.all(
      Array.from({ length: 50 }, () => inTransaction(c.db, (tx) => allocateKey(tx, 'CONC'))),
    );
    expect(new Set(keys).size).toBe(50);
    expect([...keys].sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `CONC-${String(i + 1).padStart(4, '0')}`),
    );
  });
});
