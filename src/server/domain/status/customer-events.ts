// Customers of the status page (issue 13, item 8): the event types of a customer's stream and
// their data. A customer is a named organisation with contacts and the components it uses; when
// an incident affects one of them, "notify affected customers" e-mails its contacts the text
// already published on the page, recorded here exactly as sent. Every event is internal: who the
// customers are never reaches the public side.
import type { Recorded } from '../../db/event-store.ts';
import type { Visibility } from '../../db/schema.ts';

export interface CustomerContact {
  name: string;
  email: string;
}

export interface CustomerFields {
  name: string;
  /** The components it uses (a group stands for its components). */
  componentIds: string[];
  contacts: CustomerContact[];
}

export interface CustomerEventData {
  'status.customer_added': CustomerFields;
  'status.customer_changed': { changes: Partial<CustomerFields> };
  'status.customer_removed': Record<string, never>;
  /** The published update e-mailed to its contacts: the exact subject and text, and to whom. */
  'status.customer_notified': {
    publicIncidentId: string;
    updateId: string;
    /** The internal incident whose customer clock it met, if the public incident speaks for one. */
    internalIncidentId: string | null;
    subject: string;
    body: string;
    contacts: string[];
  };
}

export type CustomerEventType = keyof CustomerEventData;

export type CustomerEvent = {
  [K in CustomerEventType]: { type: K; data: CustomerEventData[K]; visibility: Visibility };
}[CustomerEventType];

export type RecordedCustomerEvent = Recorded<CustomerEvent>;

export function customerEvent<K extends CustomerEventType>(
  type: K,
  data: CustomerEventData[K],
): CustomerEvent {
  return { type, data, visibility: 'internal' } as CustomerEvent;
}
