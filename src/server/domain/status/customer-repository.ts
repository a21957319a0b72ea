// Reads of status_customers: plain camelCase records out. The one writer is customer-projection.ts.
import type { Selectable } from 'kysely';
import type { Executor, StatusCustomersTable } from '../../db/schema.ts';
import type { CustomerContact } from './customer-events.ts';
import type { CustomerNotice, StatusCustomerState } from './customer-state.ts';

type Row = Selectable<StatusCustomersTable>;

function toState(r: Row): StatusCustomerState {
  return {
    id: r.id,
    version: Number(r.version),
    name: r.name,
    componentIds: JSON.parse(r.component_ids_json) as string[],
    contacts: JSON.parse(r.contacts_json) as CustomerContact[],
    notices: JSON.parse(r.notices_json) as CustomerNotice[],
    removed: false,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export async function findCustomer(ex: Executor, id: string): Promise<StatusCustomerState | null> {
  const row = await ex
    .selectFrom('status_customers')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toState(row) : null;
}

/** Another customer with this name (case-insensitive), if any. */
export async function findCustomerByName(
  ex: Executor,
  name: string,
): Promise<StatusCustomerState | null> {
  const row = await ex
    .selectFrom('status_customers')
    .selectAll()
    .where('name_key', '=', name.trim().toLowerCase())
    .executeTakeFirst();
  return row ? toState(row) : null;
}

/** By name. */
export async function listCustomers(ex: Executor): Promise<StatusCustomerState[]> {
  const rows = await ex
    .selectFrom('status_customers')
    .selectAll()
    .orderBy('name_key')
    .orderBy('id')
    .execute();
  return rows.map(toState);
}
