// Pure decisions about the status page's customers: what a customer may use (components of the
// page, at least one) and who its contacts are (at least one, each address once), and which
// customers an incident affects when someone asks to notify them.
import { AppError, type FieldError } from '../../errors.ts';
import { customerEvent, type CustomerEvent, type CustomerFields } from './customer-events.ts';
import type { StatusCustomerState } from './customer-state.ts';
import type { PublicIncidentState, StatusComponent } from './status-state.ts';
import { concerns } from './subscriber-rules.ts';

function refuseFields(message: string, errors: FieldError[]): never {
  throw new AppError('VALIDATION', message, { errors });
}

function checkFields(components: readonly StatusComponent[], f: Partial<CustomerFields>): void {
  const known = new Set(components.map((c) => c.id));
  const errors: FieldError[] = [];
  f.componentIds?.forEach((id, i) => {
    if (!known.has(id)) errors.push({ field: `componentIds.${i}`, message: 'no such component' });
  });
  const seen = new Set<string>();
  f.contacts?.forEach((c, i) => {
    const key = c.email.trim().toLowerCase();
    if (seen.has(key))
      errors.push({ field: `contacts.${i}.email`, message: 'is already a contact above' });
    seen.add(key);
  });
  if (errors.length > 0) refuseFields('Some fields are not valid; see errors', errors);
}

/** A new customer; `sameName` is another customer with this name, if any. */
export function addCustomer(
  components: readonly StatusComponent[],
  input: CustomerFields,
  sameName: StatusCustomerState | null,
): CustomerEvent[] {
  checkFields(components, input);
  if (sameName) {
    refuseFields('A customer with this name exists', [
      { field: 'name', message: 'another customer has this name' },
    ]);
  }
  return [customerEvent('status.customer_added', input)];
}

/** The fields that change; nothing when none does. */
export function changeCustomer(
  state: StatusCustomerState,
  components: readonly StatusComponent[],
  input: Partial<CustomerFields>,
  sameName: StatusCustomerState | null,
): CustomerEvent[] {
  checkFields(components, input);
  if (sameName && sameName.id !== state.id) {
    refuseFields('A customer with this name exists', [
      { field: 'name', message: 'another customer has this name' },
    ]);
  }
  const changes: Partial<CustomerFields> = {};
  if (input.name !== undefined && input.name !== state.name) changes.name = input.name;
  if (
    input.componentIds !== undefined &&
    JSON.stringify(input.componentIds) !== JSON.stringify(state.componentIds)
  )
    changes.componentIds = input.componentIds;
  if (
    input.contacts !== undefined &&
    JSON.stringify(input.contacts) !== JSON.stringify(state.contacts)
  )
    changes.contacts = input.contacts;
  return Object.keys(changes).length === 0
    ? []
    : [customerEvent('status.customer_changed', { changes })];
}

export const removeCustomer = (): CustomerEvent[] => [customerEvent('status.customer_removed', {})];

/**
 * The customers to tell of the incident's latest published update: those that use a component it
 * affects (or the group of one), and were not sent this update already. Refused when no customer
 * uses an affected component (telling nobody must not meet a customer clock), when the incident
 * has nothing published, or when every affected customer already has the latest update.
 */
export function customersToNotify(
  incident: PublicIncidentState,
  components: readonly StatusComponent[],
  customers: readonly StatusCustomerState[],
): StatusCustomerState[] {
  const update = incident.updates[incident.updates.length - 1];
  if (!update) throw new AppError('RULE_REFUSED', 'This incident has no published update to send');
  const affected = [
    ...incident.components.map((c) => c.componentId),
    ...update.affectedComponents.map((c) => c.componentId),
  ];
  const using = customers.filter(
    (c) => affected.length > 0 && concerns(c.componentIds, affected, components),
  );
  if (using.length === 0) {
    throw new AppError(
      'RULE_REFUSED',
      'No customer uses a component this incident affects: set its components, or link customers to them',
      { rule: 'customers.affected' },
    );
  }
  const due = using.filter((c) => !c.notices.some((n) => n.updateId === update.id));
  if (due.length === 0) {
    throw new AppError(
      'RULE_REFUSED',
      'Every affected customer was already sent the latest update; publish a new update first',
      { rule: 'customers.already_notified' },
    );
  }
  return due;
}
