// Reading alerts: the queue staff triage from, one alert with its record, and a payload's bytes
// as they arrived.
import type { Db } from '../../db/schema.ts';
import { listStreamEvents, type StoredEvent } from '../../db/event-store.ts';
import { AppError } from '../../errors.ts';
import * as alerts from './alert-repository.ts';
import type { AlertFilter } from './alert-repository.ts';
import type { AlertState } from './alert-state.ts';
import { findPayload, type PayloadRecord } from './payload-store.ts';
import { listSourceNames } from './source-repository.ts';

export type AlertView = AlertState & { sourceName: string };

export function createAlertService(deps: { db: Db }) {
  const { db } = deps;

  async function withNames(found: AlertState[]): Promise<AlertView[]> {
    const names = await listSourceNames(
      db,
      found.map((a) => a.sourceId),
    );
    return found.map((a) => ({ ...a, sourceName: names.get(a.sourceId) ?? '' }));
  }

  async function load(id: string): Promise<AlertState> {
    const found = await alerts.findAlert(db, id);
    if (!found) throw new AppError('NOT_FOUND', 'Alert was not found');
    return found;
  }

  return {
    async listAlerts(filter: AlertFilter): Promise<AlertView[]> {
      return withNames(await alerts.listAlerts(db, filter));
    },

    async getAlert(id: string): Promise<{ alert: AlertView; record: StoredEvent[] }> {
      const alert = await load(id);
      const [view] = await withNames([alert]);
      return { alert: view!, record: await listStreamEvents(db, id) };
    },

    async getPayload(id: string): Promise<PayloadRecord> {
      const found = await findPayload(db, id);
      if (!found) throw new AppError('NOT_FOUND', 'Payload was not found');
      return found;
    },
  };
}
