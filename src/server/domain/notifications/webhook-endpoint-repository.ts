// Kysely queries for configured webhook endpoints (signed webhooks, Slack, generic chat).
import type { Executor, WebhookEndpointsTable } from '../../db/schema.ts';
import type { Selectable } from 'kysely';

export type EndpointKind = 'standard' | 'slack' | 'chat' | 'teams' | 'pagerduty' | 'opsgenie';

export interface WebhookEndpoint {
  id: string;
  kind: EndpointKind;
  name: string;
  url: string;
  /** As stored: sealed (see the notifications service), or null for Slack and chat. */
  secret: string | null;
  eventTypes: string[];
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

function toEndpoint(row: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  return {
    id: row.id,
    kind: row.kind as EndpointKind,
    name: row.name,
    url: row.url,
    secret: row.secret,
    eventTypes: JSON.parse(row.event_types_json) as string[],
    active: Boolean(row.active),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function insertEndpoint(tx: Executor, endpoint: WebhookEndpoint): Promise<void> {
  await tx
    .insertInto('webhook_endpoints')
    .values({
      id: endpoint.id,
      kind: endpoint.kind,
      name: endpoint.name,
      url: endpoint.url,
      secret: endpoint.secret,
      event_types_json: JSON.stringify(endpoint.eventTypes),
      active: endpoint.active ? 1 : 0,
      created_at: endpoint.createdAt,
      updated_at: endpoint.updatedAt,
    })
    .execute();
}

export async function updateEndpoint(tx: Executor, endpoint: WebhookEndpoint): Promise<void> {
  await tx
    .updateTable('webhook_endpoints')
    .set({
      name: endpoint.name,
      url: endpoint.url,
      secret: endpoint.secret,
      event_types_json: JSON.stringify(endpoint.eventTypes),
      active: endpoint.active ? 1 : 0,
      updated_at: endpoint.updatedAt,
    })
    .where('id', '=', endpoint.id)
    .execute();
}

/** Compare-and-set: replaces the stored secret only if it is still `expected`. */
export async function replaceSecret(
  tx: Executor,
  id: string,
  expected: string,
  secret: string,
): Promise<boolean> {
  const result = await tx
    .updateTable('webhook_endpoints')
    .set({ secret })
    .where('id', '=', id)
    .where('secret', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteEndpoint(tx: Executor, id: string): Promise<boolean> {
  const result = await tx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function findEndpoint(tx: Executor, id: string): Promise<WebhookEndpoint | null> {
  const row = await tx
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toEndpoint(row) : null;
}

export async function listEndpoints(tx: Executor): Promise<WebhookEndpoint[]> {
  const rows = await tx.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').execute();
  return rows.map(toEndpoint);
}
