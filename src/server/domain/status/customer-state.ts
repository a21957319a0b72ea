// A customer's state, as the rules read it, and how each recorded event changes it in memory: the
// same change the projection (customer-projection.ts) makes to its row.
import type { CustomerContact, RecordedCustomerEvent } from './customer-events.ts';

export interface CustomerNotice {
  publicIncidentId: string;
  updateId: string;
  at: number;
}

export interface StatusCustomerState {
  id: string;
  version: number;
  name: string;
  componentIds: string[];
  contacts: CustomerContact[];
  /** The updates its contacts were sent, oldest first. */
  notices: CustomerNotice[];
  removed: boolean;
  createdAt: number;
  updatedAt: number;
}

export function applyCustomerEvent(
  state: StatusCustomerState | null,
  event: RecordedCustomerEvent,
  customerId: string,
): StatusCustomerState {
  const { at, seq } = event;
  if (event.type === 'status.customer_added') {
    return {
      id: customerId,
      version: seq,
      ...event.data,
      notices: [],
      removed: false,
      createdAt: at,
      updatedAt: at,
    };
  }
  if (!state) throw new Error(`${event.type} before status.customer_added`);
  const next = { ...state, version: seq, updatedAt: at };
  switch (event.type) {
    case 'status.customer_changed':
      return { ...next, ...event.data.changes };
    case 'status.customer_removed':
      return { ...next, removed: true };
    case 'status.customer_notified':
      return {
        ...next,
        notices: [
          ...state.notices,
          { publicIncidentId: event.data.publicIncidentId, updateId: event.data.updateId, at },
        ],
      };
    default:
      throw new Error(`${(event as { type: string }).type} is not an event of a customer`);
  }
}
