// Webhook endpoints: where Stopline posts events (Standard Webhooks, Slack, other chat tools).
// A new endpoint's signing secret is shown once.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { WebhookEndpointView } from '../../../shared/api/notifications.ts';
import { del, patch, post, request } from '../../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../../components/common.tsx';
import { adminKeys, OneTimeSecret } from './shared.tsx';
import { TableWrap } from '../../components/data-table.tsx';

type Endpoint = z.infer<typeof WebhookEndpointView>;

const KINDS = {
  standard: 'Standard Webhooks (signed JSON)',
  slack: 'Slack incoming webhook',
  chat: 'Other chat tool (Mattermost, Rocket.Chat: {"text": …})',
  teams: 'Microsoft Teams (Workflows webhook: Adaptive Card)',
} as const;
/** Every kind as listed; paging services are added through the API (their key). */
const KIND_NAMES = {
  ...KINDS,
  pagerduty: 'PagerDuty (Events API v2)',
  opsgenie: 'Opsgenie (Alert API)',
} as const;

function AddEndpoint() {
  const id = useId();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<keyof typeof KINDS>('standard');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const add = useMutation({
    mutationFn: () =>
      post<Endpoint>('/webhook-endpoints', {
        kind,
        name,
        url,
        eventTypes: ['incident.line_stopped'],
      }),
    onSuccess: async () => {
      setName('');
      setUrl('');
      await queryClient.invalidateQueries({ queryKey: adminKeys.webhooks });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Add an endpoint</h2>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select
          id={`${id}-kind`}
          value={kind}
          onChange={(e) => setKind(e.target.value as keyof typeof KINDS)}
        >
          {Object.entries(KINDS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor={`${id}-url`}>URL</label>
        <input
          id={`${id}-url`}
          type="url"
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <p className="hint">It is told when the line stops.</p>
        <button type="submit" disabled={add.isPending}>
          Add endpoint
        </button>
      </form>
      <ErrorMessage error={add.error} />
      {add.data?.secret ? (
        <OneTimeSecret
          label={`Signing secret of ${add.data.name}`}
          value={add.data.secret}
          hint="Configure the receiver with it to check signatures; it is not shown again."
          testId="webhook-secret"
        />
      ) : null}
    </section>
  );
}

function EndpointRow({ e }: { e: Endpoint }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.webhooks });
  const toggle = useMutation({
    mutationFn: () =>
      patch<Endpoint>(`/webhook-endpoints/${encodeURIComponent(e.id)}`, { active: !e.active }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => del(`/webhook-endpoints/${encodeURIComponent(e.id)}`),
    onSuccess: refresh,
  });
  return (
    <tr>
      <th scope="row">
        {e.name}
        <div className="muted small">{KIND_NAMES[e.kind]}</div>
      </th>
      <td className="url">{e.url}</td>
      <td>{e.eventTypes.join(', ')}</td>
      <td>{e.active ? 'On' : 'Off'}</td>
      <td>
        <Time value={e.updatedAt} />
      </td>
      <td>
        <button
          type="button"
          className="secondary"
          aria-label={`${e.active ? 'Switch off' : 'Switch on'} ${e.name}`}
          onClick={() => toggle.mutate()}
        >
          {e.active ? 'Switch off' : 'Switch on'}
        </button>{' '}
        <button
          type="button"
          className="danger"
          aria-label={`Remove ${e.name}`}
          onClick={() => remove.mutate()}
        >
          Remove
        </button>
        <ErrorMessage error={toggle.error ?? remove.error} />
      </td>
    </tr>
  );
}

export function WebhooksPage() {
  const endpoints = useQuery({
    queryKey: adminKeys.webhooks,
    queryFn: () => request<Endpoint[]>('/webhook-endpoints'),
  });
  return (
    <>
      <h1>Webhooks</h1>
      <AddEndpoint />
      <h2>Endpoints</h2>
      <QueryState query={endpoints} what="endpoints">
        {(list) =>
          list.length === 0 ? (
            <Empty>No endpoints yet.</Empty>
          ) : (
            <TableWrap label="Webhooks">
              <table data-testid="webhooks">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">On</th>
                    <th scope="col">Changed</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e) => (
                    <EndpointRow key={e.id} e={e} />
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </QueryState>
    </>
  );
}
