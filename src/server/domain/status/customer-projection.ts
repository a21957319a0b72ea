// Records a customer's events: appends them to its stream and writes status_customers, in the
// caller's transaction, and answers the state they produce (reduced in memory, not read back).
// The one writer of status_customers; a removed customer's row goes, its stream stays.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import type { CustomerEvent } from './customer-events.ts';
import { applyCustomerEvent, type StatusCustomerState } from './customer-state.ts';

const customerProjector: Projector<CustomerEvent, StatusCustomerState> = {
  streamType: 'status_customer',
  apply: applyCustomerEvent,
  finish: (tx, before, after) => writeCustomerRow(tx, before === null, after),
};

/** Appends to a customer's stream (state null: a new customer) and answers its state after. */
export function appendToCustomer(
  tx: Executor,
  customerId: string,
  state: StatusCustomerState | null,
  events: readonly CustomerEvent[],
  actorId: string | null,
  at: number,
): Promise<StatusCustomerState> {
  return appendAndProject(tx, customerProjector, customerId, state, events, actorId, at);
}

async function writeCustomerRow(tx: Executor, isNew: boolean, c: StatusCustomerState) {
  if (c.removed) {
    await tx.deleteFrom('status_customers').where('id', '=', c.id).execute();
    return;
  }
  const row = {
    name: c.name,
    name_key: c.name.trim().toLowerCase(),
    component_ids_json: JSON.stringify(c.componentIds),
    contacts_json: JSON.stringify(c.contacts),
    notices_json: JSON.stringify(c.notices),
    version: c.version,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
  if (isNew)
    await tx
      .insertInto('status_customers')
      .values({ id: c.id, ...row })
      .execute();
  else await tx.updateTable('status_customers').set(row).where('id', '=', c.id).execute();
}
