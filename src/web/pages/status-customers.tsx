// Customers and the stakeholder list in the console. Customers (status.publish reads, status.manage
// keeps): named organisations, the components they use and their contacts, told of an incident
// that affects one of them; what each was sent. The stakeholder list (status.manage): members of
// staff briefed on the policy's cadence while an incident is active. Neither reaches the public
// side. The server checks every call and names a bad field (contacts.1.email).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import type { Stakeholder, StatusCustomer } from '../../shared/api/status.ts';
import { del, patch, post, request } from '../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../components/common.tsx';
import { DataTable } from '../components/data-table.tsx';
import { useCan } from '../session.tsx';
import { useUsers } from './admin/shared.tsx';
import { useAllComponents, type Component } from './status-components.tsx';

type Customer = z.infer<typeof StatusCustomer>;
type StakeholderView = z.infer<typeof Stakeholder>;
interface Contact {
  name: string;
  email: string;
}

const keys = {
  customers: ['status', 'customers'] as const,
  stakeholders: ['status', 'stakeholders'] as const,
};

const namesOf = (components: Component[], ids: string[]) =>
  components
    .filter((c) => ids.includes(c.id))
    .map((c) => (c.isGroup ? `${c.name} (group)` : c.name))
    .join(', ') || '—';

function CustomerForm({
  customer,
  components,
  onDone,
}: {
  customer: Customer | null;
  components: Component[];
  onDone: (message: string | null) => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState(customer?.name ?? '');
  const [chosen, setChosen] = useState<string[]>(customer?.componentIds ?? []);
  const [contacts, setContacts] = useState<Contact[]>(
    customer?.contacts.length ? customer.contacts : [{ name: '', email: '' }],
  );
  const save = useMutation({
    mutationFn: () => {
      const body = { name, componentIds: chosen, contacts };
      return customer
        ? patch(`/status/customers/${encodeURIComponent(customer.id)}`, body)
        : post('/status/customers', body);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.customers });
      if (!customer) {
        setName('');
        setChosen([]);
        setContacts([{ name: '', email: '' }]);
      }
      onDone(customer ? `${name} is saved.` : `${name} is added.`);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }
  const setContact = (index: number, change: Partial<Contact>) =>
    setContacts(contacts.map((c, i) => (i === index ? { ...c, ...change } : c)));
  const heading = customer ? `Edit ${customer.name}` : 'Add a customer';
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="customer-form">
      <h3 id={`${id}-h`}>{heading}</h3>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-name`}>Customer name</label>
        <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} />
        <fieldset>
          <legend>Components it uses (a group stands for its components)</legend>
          {components.map((c) => (
            <label key={c.id} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(c.id)}
                onChange={(e) =>
                  setChosen(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))
                }
              />{' '}
              {c.isGroup ? `${c.name} (group)` : c.name}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Contacts (told when an incident affects what it uses)</legend>
          {contacts.map((c, index) => (
            <div key={index} className="contact">
              <label htmlFor={`${id}-c${index}-name`}>Contact {index + 1} name</label>
              <input
                id={`${id}-c${index}-name`}
                value={c.name}
                onChange={(e) => setContact(index, { name: e.target.value })}
              />
              <label htmlFor={`${id}-c${index}-email`}>Contact {index + 1} e-mail address</label>
              <input
                id={`${id}-c${index}-email`}
                type="email"
                required
                value={c.email}
                onChange={(e) => setContact(index, { email: e.target.value })}
              />
              {contacts.length > 1 ? (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setContacts(contacts.filter((_, i) => i !== index))}
                >
                  Remove contact {index + 1}
                </button>
              ) : null}
            </div>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() => setContacts([...contacts, { name: '', email: '' }])}
          >
            Add another contact
          </button>
        </fieldset>
        <p className="hint">
          A refusal names a contact by its number: &ldquo;Contacts #2 email&rdquo; is the second
          contact&apos;s address.
        </p>
        <ErrorMessage error={save.error} />
        <button type="submit" disabled={save.isPending}>
          {customer ? 'Save customer' : 'Add customer'}
        </button>
        {customer ? (
          <>
            {' '}
            <button type="button" className="secondary" onClick={() => onDone(null)}>
              Close
            </button>
          </>
        ) : null}
      </form>
    </section>
  );
}

function CustomerRow({
  c,
  components,
  mayManage,
  onEdit,
}: {
  c: Customer;
  components: Component[];
  mayManage: boolean;
  onEdit: () => void;
}) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => del(`/status/customers/${encodeURIComponent(c.id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.customers }),
  });
  const last = c.notices.at(-1);
  return (
    <tr>
      <th scope="row">{c.name}</th>
      <td>{namesOf(components, c.componentIds)}</td>
      <td>
        <ul className="plain">
          {c.contacts.map((k) => (
            <li key={k.email}>{k.name ? `${k.name} <${k.email}>` : k.email}</li>
          ))}
        </ul>
      </td>
      <td>{last ? <Time value={last.at} /> : 'Never'}</td>
      {mayManage ? (
        <td>
          {confirming ? (
            <>
              <span>Remove {c.name}? Its record stays.</span>{' '}
              <button
                type="button"
                className="danger"
                disabled={remove.isPending}
                onClick={() => remove.mutate()}
              >
                Yes, remove {c.name}
              </button>{' '}
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                Keep {c.name}
              </button>
            </>
          ) : (
            <>
              <button
                type="button"
                className="secondary"
                aria-label={`Edit ${c.name}`}
                onClick={onEdit}
              >
                Edit
              </button>{' '}
              <button
                type="button"
                className="danger"
                aria-label={`Remove ${c.name}`}
                onClick={() => setConfirming(true)}
              >
                Remove
              </button>
            </>
          )}
          <ErrorMessage error={remove.error} />
        </td>
      ) : null}
    </tr>
  );
}

function Customers() {
  const can = useCan();
  const mayManage = can('status.manage');
  const components = useAllComponents();
  const list = useQuery({
    queryKey: keys.customers,
    queryFn: async () => (await request<{ items: Customer[] }>('/status/customers')).items,
  });
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const all = components.data ?? [];
  const target = editing ? list.data?.find((c) => c.id === editing) : undefined;
  const done = (message: string | null) => {
    setEditing(null);
    setSaved(message);
  };
  return (
    <>
      <h2>Customers</h2>
      <p className="hint">
        Told by name when an incident affects a component they use (&quot;Notify affected
        customers&quot; on a public incident). Never shown on the public side.
      </p>
      <QueryState query={list} what="customers">
        {(items) =>
          items.length === 0 ? (
            <Empty>No customers yet.</Empty>
          ) : (
            <DataTable
              caption="Customers"
              hideCaption
              testId="customers"
              columns={[
                'Customer',
                'Components',
                'Contacts',
                'Last told',
                ...(mayManage ? ['Actions'] : []),
              ]}
            >
              {items.map((c) => (
                <CustomerRow
                  key={c.id}
                  c={c}
                  components={all}
                  mayManage={mayManage}
                  onEdit={() => {
                    setSaved(null);
                    setEditing(c.id);
                  }}
                />
              ))}
            </DataTable>
          )
        }
      </QueryState>
      {saved ? <p role="status">{saved}</p> : null}
      {mayManage && target ? (
        <CustomerForm key={target.id} customer={target} components={all} onDone={done} />
      ) : null}
      {mayManage && components.data ? (
        <CustomerForm customer={null} components={all} onDone={done} />
      ) : null}
    </>
  );
}

function StakeholderRow({ s, name }: { s: StakeholderView; name: string }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => del(`/status/stakeholders/${encodeURIComponent(s.userId)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.stakeholders }),
  });
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{s.label}</td>
      <td>
        <Time value={s.addedAt} />
      </td>
      <td>
        <button
          type="button"
          className="danger"
          aria-label={`Take ${name} off the list`}
          disabled={remove.isPending}
          onClick={() => remove.mutate()}
        >
          Take off
        </button>
        <ErrorMessage error={remove.error} />
      </td>
    </tr>
  );
}

function Stakeholders() {
  const id = useId();
  const queryClient = useQueryClient();
  const users = useUsers();
  const list = useQuery({
    queryKey: keys.stakeholders,
    queryFn: async () =>
      (await request<{ items: StakeholderView[] }>('/status/stakeholders')).items,
  });
  const [userId, setUserId] = useState('');
  const [label, setLabel] = useState('');
  const put = useMutation({
    mutationFn: () =>
      request(`/status/stakeholders/${encodeURIComponent(userId)}`, {
        method: 'PUT',
        body: { label },
      }),
    onSuccess: async () => {
      setUserId('');
      setLabel('');
      await queryClient.invalidateQueries({ queryKey: keys.stakeholders });
    },
  });
  const staff = (users.data ?? []).filter((u) => u.status === 'active');
  const nameOf = (uid: string) => {
    const u = users.data?.find((x) => x.id === uid);
    return u ? `${u.displayName} (${u.email})` : uid;
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    put.mutate();
  }
  return (
    <>
      <h2>Stakeholder list</h2>
      <p className="hint">
        Executives and account managers briefed with an internal status summary on the policy&apos;s
        cadence while an incident they may see is active, on their own channels.
      </p>
      <QueryState query={list} what="stakeholders">
        {(items) =>
          items.length === 0 ? (
            <Empty>Nobody is on the list.</Empty>
          ) : (
            <DataTable
              caption="Stakeholder list"
              hideCaption
              testId="stakeholders"
              columns={['Who', 'Label', 'Since', 'Actions']}
            >
              {items.map((s) => (
                <StakeholderRow key={s.userId} s={s} name={nameOf(s.userId)} />
              ))}
            </DataTable>
          )
        }
      </QueryState>
      <form onSubmit={submit} aria-labelledby={`${id}-h`}>
        <h3 id={`${id}-h`}>Put someone on the list</h3>
        <label htmlFor={`${id}-user`}>Member of staff</label>
        <select
          id={`${id}-user`}
          required
          value={userId}
          onChange={(e) => setUserId(e.target.value)}
        >
          <option value="">Choose…</option>
          {staff.map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayName} ({u.email})
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-label`}>What they are to the team</label>
        <input
          id={`${id}-label`}
          required
          value={label}
          placeholder="Executive sponsor"
          onChange={(e) => setLabel(e.target.value)}
        />
        <button type="submit" disabled={put.isPending}>
          Put on the list
        </button>
        <ErrorMessage error={put.error} />
      </form>
    </>
  );
}

export function StatusCustomersPage() {
  const can = useCan();
  return (
    <>
      <h1>Customers and stakeholders</h1>
      <p>
        <Link to="/status-page">Back to the status page</Link>
      </p>
      {can('status.publish') ? (
        <Customers />
      ) : (
        <p>Customers are for those who may publish on the status page.</p>
      )}
      {can('status.manage') ? <Stakeholders /> : null}
    </>
  );
}
