// Customers of the status page, one transaction each: admins keep the named organisations with
// their contacts and the components they use; whoever may publish sends an incident's latest
// published update to the contacts of the customers it affects ("notify affected customers"),
// which meets the customer clock of the internal incident it speaks for. Only text already
// published (through its gate: four-eyes, the exercise gate) is ever sent.
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import { customerEvent, type CustomerFields } from './customer-events.ts';
import { appendToCustomer } from './customer-projection.ts';
import * as customers from './customer-repository.ts';
import * as rules from './customer-rules.ts';
import type { StatusCustomerState } from './customer-state.ts';
import type { Publishing, StatusModulePorts } from './publishing.ts';
import * as repo from './status-repository.ts';
import { latestUpdateNotice } from './subscriber-notices.ts';

/** Who was sent what by "notify affected customers". */
export interface CustomersNotified {
  updateId: string;
  customers: { id: string; name: string; contacts: number }[];
}

export function createCustomerService(ports: StatusModulePorts, publishing: Publishing) {
  const { db, clock } = ports;

  async function load(ex: Parameters<typeof customers.findCustomer>[0], id: string) {
    const found = await customers.findCustomer(ex, id);
    if (!found) throw new AppError('NOT_FOUND', 'Customer was not found');
    return found;
  }

  return {
    listCustomers: (): Promise<StatusCustomerState[]> => customers.listCustomers(db),

    getCustomer: (id: string): Promise<StatusCustomerState> => load(db, id),

    async addCustomer(actor: Actor, input: CustomerFields): Promise<StatusCustomerState> {
      return inTransaction(db, async (tx) => {
        const catalogue = await repo.loadCatalogue(tx);
        const sameName = await customers.findCustomerByName(tx, input.name);
        const events = rules.addCustomer(catalogue.components, input, sameName);
        return appendToCustomer(tx, newId(), null, events, actor.userId, clock.now());
      });
    },

    async changeCustomer(
      actor: Actor,
      id: string,
      input: Partial<CustomerFields>,
    ): Promise<StatusCustomerState> {
      return inTransaction(db, async (tx) => {
        const state = await load(tx, id);
        const catalogue = await repo.loadCatalogue(tx);
        const sameName =
          input.name === undefined ? null : await customers.findCustomerByName(tx, input.name);
        const events = rules.changeCustomer(state, catalogue.components, input, sameName);
        return appendToCustomer(tx, id, state, events, actor.userId, clock.now());
      });
    },

    async removeCustomer(actor: Actor, id: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        const state = await load(tx, id);
        await appendToCustomer(tx, id, state, rules.removeCustomer(), actor.userId, clock.now());
      });
    },

    /**
     * Sends the public incident's latest published update to the contacts of every customer that
     * uses a component it affects and was not sent it yet, records each e-mail's exact text on
     * the customer's stream, and meets the customer clock of the internal incident it speaks for.
     */
    async notifyAffectedCustomers(
      actor: Actor,
      publicIncidentId: string,
    ): Promise<CustomersNotified> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const incident = await publishing.loadIncident(tx, publicIncidentId);
        const catalogue = await repo.loadCatalogue(tx);
        const due = rules.customersToNotify(
          incident,
          catalogue.components,
          await customers.listCustomers(tx),
        );
        const update = incident.updates[incident.updates.length - 1]!;
        const notice = latestUpdateNotice(ports.pageName, incident, update, now);
        const nameOf = (id: string) => catalogue.components.find((c) => c.id === id)?.name ?? id;
        const sent: CustomersNotified['customers'] = [];
        for (const customer of due) {
          const words = await ports.notices.tellCustomer(
            tx,
            {
              notice,
              customer: {
                id: customer.id,
                name: customer.name,
                components: customer.componentIds.map(nameOf),
              },
              contacts: customer.contacts,
            },
            incident.internalIncidentId,
          );
          if (!words) continue;
          const event = customerEvent('status.customer_notified', {
            publicIncidentId: incident.id,
            updateId: update.id,
            internalIncidentId: incident.internalIncidentId,
            subject: words.subject,
            body: words.text,
            contacts: customer.contacts.map((c) => c.email),
          });
          await appendToCustomer(tx, customer.id, customer, [event], actor.userId, now);
          sent.push({ id: customer.id, name: customer.name, contacts: customer.contacts.length });
        }
        if (sent.length > 0) {
          await publishing.meetClocks(tx, incident, now, 'status.customer_notified');
        }
        return { updateId: update.id, customers: sent };
      });
    },
  };
}
