// The outbox: every notice Stopline sends (e-mail, webhooks, Slack), with its status, attempts and
// last error; dead letters can be sent again. Newest first, filtered by status in the URL.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { z } from 'zod';
import type {
  OutboxMessageDetail,
  OutboxMessageView,
  WebhookEndpointView,
} from '../../../shared/api/notifications.ts';
import { post, query, request } from '../../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../../components/common.tsx';
import { useCan } from '../../session.tsx';
import { adminKeys } from './shared.tsx';
import { TableWrap } from '../../components/data-table.tsx';

type Message = z.infer<typeof OutboxMessageView>;
type Detail = z.infer<typeof OutboxMessageDetail>;

const PAGE = 50;
const STATUSES = [
  ['', 'All'],
  ['dead', 'Dead letters'],
  ['pending', 'Waiting'],
  ['sending', 'Sending'],
  ['delivered', 'Delivered'],
] as const;

/** Status as a word and a symbol, never colour alone. */
const STATUS_TEXT: Record<Message['status'], string> = {
  pending: '◷ Waiting to send',
  sending: '↻ Sending',
  delivered: '✓ Delivered',
  dead: '✕ Dead letter',
};

function useEndpointNames(): (id: string) => string | undefined {
  const can = useCan();
  const endpoints = useQuery({
    queryKey: adminKeys.webhooks,
    queryFn: () => request<z.infer<typeof WebhookEndpointView>[]>('/webhook-endpoints'),
    enabled: can('webhooks.manage'),
  });
  const names = new Map((endpoints.data ?? []).map((e) => [e.id, e.name]));
  return (id) => names.get(id);
}

function Attempts({ id }: { id: string }) {
  const detail = useQuery({
    queryKey: [...adminKeys.outbox, 'detail', id],
    queryFn: () => request<Detail>(`/outbox/${encodeURIComponent(id)}`),
  });
  return (
    <QueryState query={detail} what="attempts">
      {(d) =>
        d.attemptLog.length === 0 ? (
          <Empty>No attempt yet.</Empty>
        ) : (
          <ol className="attempts">
            {d.attemptLog.map((a) => (
              <li key={a.attempt}>
                <Time value={a.startedAt} />: {a.outcome === 'delivered' ? 'delivered' : 'failed'}
                {a.error ? <span className="untrusted-inline"> — {a.error}</span> : null}
              </li>
            ))}
          </ol>
        )
      }
    </QueryState>
  );
}

function MessageRow({ m }: { m: Message }) {
  const queryClient = useQueryClient();
  const endpointName = useEndpointNames();
  const [open, setOpen] = useState(false);
  const retry = useMutation({
    mutationFn: () => post<Message>(`/outbox/${encodeURIComponent(m.id)}/retry`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.outbox }),
  });
  const endpoint = endpointName(m.recipient);
  return (
    <tr className={`outbox-${m.status}`}>
      <td>
        <Time value={m.createdAt} />
      </td>
      <td>
        {m.subject}
        <div className="muted small">
          {m.channel} to {endpoint ?? m.recipient}
        </div>
      </td>
      <td>
        <strong>{STATUS_TEXT[m.status]}</strong>
        {m.status === 'delivered' && m.deliveredAt ? (
          <div className="muted small">
            <Time value={m.deliveredAt} />
          </div>
        ) : m.status === 'pending' ? (
          <div className="muted small">
            next try <Time value={m.nextAttemptAt} />
          </div>
        ) : null}
      </td>
      <td>{m.attempts}</td>
      <td>
        {/* Error text comes from the receiving server: shown as text. */}
        {m.lastError ? <span className="error-text">{m.lastError}</span> : '—'}
        <div>
          <button
            type="button"
            className="link"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide attempts' : 'Show attempts'}
          </button>
        </div>
        {open ? <Attempts id={m.id} /> : null}
      </td>
      <td>
        {m.status === 'dead' ? (
          <button
            type="button"
            aria-label={`Send again: ${m.subject}`}
            disabled={retry.isPending}
            onClick={() => retry.mutate()}
          >
            Send again
          </button>
        ) : null}
        <ErrorMessage error={retry.error} />
      </td>
    </tr>
  );
}

export function OutboxPage() {
  const [params] = useSearchParams();
  const status = params.get('status') ?? '';
  const before = params.get('before') ?? '';
  const messages = useQuery({
    queryKey: [...adminKeys.outbox, status, before],
    queryFn: () => request<Message[]>(`/outbox${query({ status, before, limit: PAGE })}`),
  });
  const last = messages.data?.at(-1);
  return (
    <>
      <h1>Outbox</h1>
      <p>
        Every notice Stopline sends goes through here. A failed delivery is tried again with growing
        pauses; after the last attempt it becomes a <strong>dead letter</strong> until someone sends
        it again.
      </p>
      <nav aria-label="Filter by status" className="tabs">
        {STATUSES.map(([value, label]) => (
          <Link
            key={value}
            to={{ search: query({ status: value }) }}
            className={status === value ? 'button selected' : 'button secondary'}
            aria-current={status === value ? 'page' : undefined}
          >
            {label}
          </Link>
        ))}
      </nav>
      <QueryState query={messages} what="messages">
        {(list) =>
          list.length === 0 ? (
            <Empty>
              {status === 'dead' ? 'No dead letters: every notice got through.' : 'No messages.'}
            </Empty>
          ) : (
            <TableWrap label="Messages">
              <table data-testid="outbox">
                <thead>
                  <tr>
                    <th scope="col">Queued</th>
                    <th scope="col">Notice</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last error</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((m) => (
                    <MessageRow key={m.id} m={m} />
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </QueryState>
      <nav aria-label="Outbox pages" className="pager">
        {before ? <Link to={{ search: query({ status }) }}>Newest messages</Link> : null}
        {last && messages.data?.length === PAGE ? (
          <Link to={{ search: query({ status, before: last.id }) }}>Older messages</Link>
        ) : null}
      </nav>
    </>
  );
}
