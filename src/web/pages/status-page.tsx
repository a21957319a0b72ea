// The public status page as staff run it: scheduled maintenance (announce a window on some
// components, post an update or move it on; the scheduler moves it at the window's edges) and the
// page's e-mail subscribers (admins see and remove them). Everyone on staff reads; the forms show
// only to those who may use them (the server refuses the calls anyway).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { Maintenance, StatusComponent, StatusSubscriber } from '../../shared/api/status.ts';
import { MAINTENANCE_STATUS_WORDS, type MaintenanceStatus } from '../../shared/domain/status.ts';
import { del, post, request } from '../api.ts';
import { DateTimeRange, Empty, ErrorMessage, QueryState, Time } from '../components/common.tsx';
import { localToRfc3339 } from '../format.ts';
import { DataTable } from '../components/data-table.tsx';
import { Link } from 'react-router';
import { useCan } from '../session.tsx';
import {
  MaintenanceChange,
  ReminderMinutes,
  type MaintenanceChangeKind,
} from './status-maintenance-change.tsx';
import { SubscriberFiles } from './status-subscriber-files.tsx';

type MaintenanceView = z.infer<typeof Maintenance>;
type Component = z.infer<typeof StatusComponent>;
type Subscriber = z.infer<typeof StatusSubscriber>;

const keys = {
  maintenances: ['status', 'maintenances'] as const,
  components: ['status', 'components'] as const,
  subscribers: ['status', 'subscribers'] as const,
};

function useComponents() {
  return useQuery({
    queryKey: keys.components,
    queryFn: async () =>
      (await request<{ items: Component[] }>('/status/components')).items.filter((c) => !c.isGroup),
  });
}

function ScheduleMaintenance({ components }: { components: Component[] }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [body, setBody] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [notice, setNotice] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const schedule = useMutation({
    mutationFn: () =>
      post<MaintenanceView>('/status/maintenances', {
        name,
        body,
        scheduledFor: localToRfc3339(from),
        scheduledUntil: localToRfc3339(until),
        componentIds: chosen,
        noticeBeforeMinutes: notice === '' ? null : Number(notice),
      }),
    onSuccess: async () => {
      setName('');
      setBody('');
      setChosen([]);
      await queryClient.invalidateQueries({ queryKey: keys.maintenances });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    schedule.mutate();
  }
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Schedule maintenance</h2>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-name`}>Title</label>
        <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor={`${id}-body`}>What customers will notice (Markdown)</label>
        <textarea
          id={`${id}-body`}
          required
          rows={3}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <DateTimeRange
          id={id}
          labels={['Starts', 'Ends']}
          from={from}
          until={until}
          onFrom={setFrom}
          onUntil={setUntil}
        />
        <fieldset>
          <legend>Components under maintenance</legend>
          {components.length === 0 ? <p className="hint">No components yet.</p> : null}
          {components.map((c) => (
            <label key={c.id} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(c.id)}
                onChange={(e) =>
                  setChosen(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))
                }
              />{' '}
              {c.name}
            </label>
          ))}
        </fieldset>
        <ReminderMinutes id={`${id}-notice`} value={notice} onChange={setNotice} />
        <p className="hint">
          Subscribers of these components hear of it now, before the window and at each move. It
          moves to in progress at its start and to completed at its end by itself.
        </p>
        <button type="submit" disabled={schedule.isPending}>
          Schedule maintenance
        </button>
      </form>
      <ErrorMessage error={schedule.error} />
    </section>
  );
}

const NEXT: Partial<Record<MaintenanceStatus, MaintenanceStatus>> = {
  scheduled: 'in_progress',
  in_progress: 'verifying',
  verifying: 'completed',
};

function MaintenanceRow({
  m,
  components,
  mayPublish,
  onChange,
}: {
  m: MaintenanceView;
  components: Component[];
  mayPublish: boolean;
  onChange: (kind: MaintenanceChangeKind) => void;
}) {
  const queryClient = useQueryClient();
  const next = NEXT[m.status];
  const move = useMutation({
    mutationFn: (to: MaintenanceStatus) =>
      post(`/status/maintenances/${encodeURIComponent(m.id)}/updates`, {
        status: to,
        body:
          to === 'completed'
            ? 'The scheduled maintenance has been completed.'
            : `The maintenance is ${MAINTENANCE_STATUS_WORDS[to].toLowerCase()}.`,
        expectedVersion: m.version,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.maintenances }),
  });
  const names = components.filter((c) => m.componentIds.includes(c.id)).map((c) => c.name);
  return (
    <tr>
      <th scope="row">
        <a href={m.url}>{m.name}</a>
      </th>
      <td>{m.cancelledAt ? 'Cancelled' : MAINTENANCE_STATUS_WORDS[m.status]}</td>
      <td>
        <Time value={m.scheduledFor} /> – <Time value={m.scheduledUntil} />
      </td>
      <td>{names.join(', ') || '—'}</td>
      <td>
        {mayPublish && next ? (
          <button
            type="button"
            className="secondary"
            aria-label={`Mark ${m.name} ${MAINTENANCE_STATUS_WORDS[next].toLowerCase()}`}
            disabled={move.isPending}
            onClick={() => move.mutate(next)}
          >
            Mark {MAINTENANCE_STATUS_WORDS[next].toLowerCase()}
          </button>
        ) : null}
        {mayPublish && m.status === 'scheduled' ? (
          <>
            {' '}
            <button
              type="button"
              className="secondary"
              aria-label={`Reschedule ${m.name}`}
              onClick={() => onChange('reschedule')}
            >
              Reschedule
            </button>{' '}
            <button
              type="button"
              className="danger"
              aria-label={`Cancel ${m.name}`}
              onClick={() => onChange('cancel')}
            >
              Cancel
            </button>
          </>
        ) : null}
        <ErrorMessage error={move.error} />
      </td>
    </tr>
  );
}

function Maintenances() {
  const can = useCan();
  const [filter, setFilter] = useState<'all' | 'upcoming' | 'active'>('all');
  const components = useComponents();
  const list = useQuery({
    queryKey: [...keys.maintenances, filter],
    queryFn: async () =>
      (await request<{ items: MaintenanceView[] }>(`/status/maintenances?filter=${filter}`)).items,
  });
  const mayPublish = can('status.publish');
  const [changing, setChanging] = useState<{ id: string; kind: MaintenanceChangeKind } | null>(
    null,
  );
  const [changed, setChanged] = useState<string | null>(null);
  const target = changing ? list.data?.find((m) => m.id === changing.id) : undefined;
  return (
    <>
      {mayPublish && components.data ? <ScheduleMaintenance components={components.data} /> : null}
      <h2>Maintenance</h2>
      <label htmlFor="maintenance-filter">Show</label>{' '}
      <select
        id="maintenance-filter"
        value={filter}
        onChange={(e) => setFilter(e.target.value as typeof filter)}
      >
        <option value="all">All, newest first</option>
        <option value="upcoming">Upcoming</option>
        <option value="active">In progress</option>
      </select>
      <QueryState query={list} what="maintenance">
        {(items) =>
          items.length === 0 ? (
            <Empty>No maintenance here.</Empty>
          ) : (
            <DataTable
              caption="Scheduled maintenance"
              hideCaption
              testId="maintenances"
              columns={['Title', 'Status', 'Window', 'Components', 'Actions']}
            >
              {items.map((m) => (
                <MaintenanceRow
                  key={m.id}
                  m={m}
                  components={components.data ?? []}
                  mayPublish={mayPublish}
                  onChange={(kind) => {
                    setChanged(null);
                    setChanging({ id: m.id, kind });
                  }}
                />
              ))}
            </DataTable>
          )
        }
      </QueryState>
      {changed ? <p role="status">{changed}</p> : null}
      {mayPublish && changing && target ? (
        <MaintenanceChange
          key={`${changing.id}-${changing.kind}`}
          m={target}
          kind={changing.kind}
          onDone={(message) => {
            setChanging(null);
            setChanged(message);
          }}
        />
      ) : null}
    </>
  );
}

function SubscriberRow({ s, components }: { s: Subscriber; components: Component[] | undefined }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => del(`/status/subscribers/${encodeURIComponent(s.id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.subscribers }),
  });
  // The components' names come with their own query: until it answers, the row says so.
  const follows =
    s.componentIds === null
      ? 'Everything'
      : components === undefined
        ? 'Loading the components…'
        : components
            .filter((c) => s.componentIds!.includes(c.id))
            .map((c) => c.name)
            .join(', ');
  return (
    <tr>
      <th scope="row">{s.email}</th>
      <td>{follows}</td>
      <td>{s.confirmed ? 'Confirmed' : 'Waiting for confirmation'}</td>
      <td>
        <Time value={s.createdAt} />
      </td>
      <td>
        <button
          type="button"
          className="danger"
          aria-label={`Remove ${s.email}`}
          onClick={() => remove.mutate()}
        >
          Remove
        </button>
        <ErrorMessage error={remove.error} />
      </td>
    </tr>
  );
}

function Subscribers() {
  const components = useComponents();
  const list = useQuery({
    queryKey: keys.subscribers,
    queryFn: async () => (await request<{ items: Subscriber[] }>('/status/subscribers')).items,
  });
  return (
    <>
      <h2>Subscribers</h2>
      <p className="hint">
        Addresses that asked for the page&apos;s notices at /status/subscribe. A removed address
        hears nothing more and is not kept.
      </p>
      <QueryState query={list} what="subscribers">
        {(items) =>
          items.length === 0 ? (
            <Empty>Nobody has subscribed yet.</Empty>
          ) : (
            <DataTable
              caption="E-mail subscribers"
              hideCaption
              testId="subscribers"
              columns={['Address', 'Follows', 'State', 'Since', 'Actions']}
            >
              {items.map((s) => (
                <SubscriberRow key={s.id} s={s} components={components.data} />
              ))}
            </DataTable>
          )
        }
      </QueryState>
      <SubscriberFiles />
    </>
  );
}

export function StatusPagePage() {
  const can = useCan();
  return (
    <>
      <h1>Status page</h1>
      <p>
        <a href="/status">Open the public page</a> ·{' '}
        <Link to="/status-page/incidents">Components, incidents and drafts</Link>
        {can('status.publish') ? (
          <>
            {' · '}
            <Link to="/status-page/customers">Customers and stakeholders</Link>
          </>
        ) : null}
      </p>
      <Maintenances />
      {can('status.manage') ? <Subscribers /> : null}
    </>
  );
}
