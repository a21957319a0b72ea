// The status page's components, public incidents and drafts as staff run them in the console:
// admins add components and set their status (status.manage); whoever may publish publishes a
// public incident or an update, or writes a draft that another person approves (four-eyes), and
// approves or rejects the drafts of others (status.publish). The server checks every call; the
// forms show only to those who may use them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { PublicIncident, StatusDraft } from '../../shared/api/status.ts';
import {
  IMPACT_WORDS,
  INCIDENT_IMPACTS,
  INCIDENT_STATUS_WORDS,
  type IncidentImpact,
} from '../../shared/domain/status.ts';
import { post, request } from '../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../components/common.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Link } from 'react-router';
import { useCan } from '../session.tsx';
import { consolePath } from '../../shared/domain/console-paths.ts';
import { Components, useAllComponents, type Component } from './status-components.tsx';
import { UpdateIncident, WritingReminders } from './status-incident-update.tsx';

type Incident = z.infer<typeof PublicIncident>;
type Draft = z.infer<typeof StatusDraft>;

const keys = {
  incidents: ['status', 'incidents'] as const,
  drafts: ['status', 'drafts'] as const,
};

function usePublicIncidents() {
  return useQuery({
    queryKey: keys.incidents,
    queryFn: async () => (await request<{ items: Incident[] }>('/status/incidents')).items,
  });
}

function PublishIncident({ components }: { components: Component[] }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [impact, setImpact] = useState<IncidentImpact>('minor');
  const [body, setBody] = useState('');
  const [affected, setAffected] = useState<string[]>([]);
  const [internal, setInternal] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const content = () => ({
    name,
    impact,
    body,
    components: affected.map((componentId) => ({ componentId, status: 'partial_outage' })),
    internalIncident: internal.trim() || null,
  });
  const reset = async (message: string) => {
    setName('');
    setBody('');
    setAffected([]);
    setInternal('');
    setDone(message);
    await queryClient.invalidateQueries({ queryKey: ['status'] });
  };
  const publish = useMutation({
    mutationFn: () => post('/status/incidents', content()),
    onSuccess: () => reset('Published on the public page.'),
  });
  const draft = useMutation({
    mutationFn: () => post('/status/drafts', content()),
    onSuccess: () => reset('Draft saved: another person approves it before it is public.'),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    publish.mutate();
  }
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Publish an incident</h2>
      <WritingReminders impact={impact} />
      <form onSubmit={submit}>
        <label htmlFor={`${id}-name`}>Title</label>
        <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor={`${id}-impact`}>Impact</label>
        <select
          id={`${id}-impact`}
          value={impact}
          onChange={(e) => setImpact(e.target.value as IncidentImpact)}
        >
          {INCIDENT_IMPACTS.map((i) => (
            <option key={i} value={i}>
              {IMPACT_WORDS[i]}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-body`}>First update for customers (Markdown)</label>
        <textarea
          id={`${id}-body`}
          required
          rows={3}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <fieldset>
          <legend>Affected components (partial outage)</legend>
          {components
            .filter((c) => !c.isGroup)
            .map((c) => (
              <label key={c.id} className="check">
                <input
                  type="checkbox"
                  checked={affected.includes(c.id)}
                  onChange={(e) =>
                    setAffected(
                      e.target.checked ? [...affected, c.id] : affected.filter((x) => x !== c.id),
                    )
                  }
                />{' '}
                {c.name}
              </label>
            ))}
        </fieldset>
        <label htmlFor={`${id}-internal`}>Internal incident it speaks for (optional key)</label>
        <input
          id={`${id}-internal`}
          value={internal}
          placeholder="INC-12"
          aria-describedby={`${id}-internal-hint`}
          onChange={(e) => setInternal(e.target.value)}
        />
        <p id={`${id}-internal-hint`} className="hint">
          Staff only, never on the public page; what you publish meets its customer clocks.
        </p>
        <button type="submit" disabled={publish.isPending}>
          Publish now
        </button>{' '}
        <button
          type="button"
          className="secondary"
          disabled={draft.isPending}
          onClick={() => draft.mutate()}
        >
          Save as draft for approval
        </button>
      </form>
      <ErrorMessage error={publish.error ?? draft.error} />
      {done ? <p role="status">{done}</p> : null}
    </section>
  );
}

function IncidentRow({
  i,
  mayPublish,
  onUpdate,
}: {
  i: Incident;
  mayPublish: boolean;
  onUpdate: () => void;
}) {
  return (
    <tr>
      <th scope="row">
        <a href={i.url}>{i.name}</a>
      </th>
      <td>{IMPACT_WORDS[i.impact]}</td>
      <td>{INCIDENT_STATUS_WORDS[i.status]}</td>
      <td>
        {i.updates.length > 0 ? <Time value={i.updates[i.updates.length - 1]!.displayAt} /> : '—'}
      </td>
      <td>
        {i.internalIncident ? (
          <Link to={consolePath.incident(i.internalIncident.key)}>{i.internalIncident.key}</Link>
        ) : (
          '—'
        )}
      </td>
      {mayPublish ? (
        <td>
          <button
            type="button"
            className="secondary"
            aria-label={`Update ${i.name}`}
            onClick={onUpdate}
          >
            Update
          </button>
        </td>
      ) : null}
    </tr>
  );
}

function Incidents({ components }: { components: Component[] }) {
  const can = useCan();
  const mayPublish = can('status.publish');
  const [updating, setUpdating] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const list = usePublicIncidents();
  const target = updating ? list.data?.find((i) => i.id === updating) : undefined;
  return (
    <>
      <h2>Public incidents</h2>
      <QueryState query={list} what="public incidents">
        {(items) =>
          items.length === 0 ? (
            <Empty>Nothing published yet.</Empty>
          ) : (
            <DataTable
              caption="Public incidents"
              hideCaption
              testId="public-incidents"
              columns={[
                'Title',
                'Impact',
                'Status',
                'Latest update',
                'Internal incident',
                ...(mayPublish ? ['Actions'] : []),
              ]}
            >
              {items.map((i) => (
                <IncidentRow
                  key={i.id}
                  i={i}
                  mayPublish={mayPublish}
                  onUpdate={() => {
                    setDone(null);
                    setUpdating(i.id);
                  }}
                />
              ))}
            </DataTable>
          )
        }
      </QueryState>
      {done ? <p role="status">{done}</p> : null}
      {mayPublish && target ? (
        <UpdateIncident
          key={target.id}
          incident={target}
          components={components}
          onDone={(message) => {
            setUpdating(null);
            setDone(message);
          }}
        />
      ) : null}
    </>
  );
}

function DraftRow({ d, incidents }: { d: Draft; incidents: Incident[] }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const done = () => queryClient.invalidateQueries({ queryKey: ['status'] });
  const approve = useMutation({
    mutationFn: () => post(`/status/drafts/${encodeURIComponent(d.id)}/approve`),
    onSuccess: done,
  });
  const reject = useMutation({
    mutationFn: () =>
      post(`/status/drafts/${encodeURIComponent(d.id)}/reject`, {
        reason: reason || 'Rewrite, please.',
      }),
    onSuccess: done,
  });
  const updated = incidents.find((i) => i.id === d.publicIncidentId);
  const title =
    d.opens?.name ?? d.changes.name ?? (updated ? `Update to ${updated.name}` : 'Update');
  return (
    <tr>
      <th scope="row">{title}</th>
      <td>
        {INCIDENT_STATUS_WORDS[d.update.status]}: {d.update.body}
      </td>
      <td>
        <Time value={d.draftedAt} />
      </td>
      <td>
        <button
          type="button"
          aria-label={`Approve and publish ${title}`}
          disabled={approve.isPending}
          onClick={() => approve.mutate()}
        >
          Approve and publish
        </button>{' '}
        <label htmlFor={`reason-${d.id}`} className="visually-hidden">
          Why {title} is sent back
        </label>
        <input
          id={`reason-${d.id}`}
          value={reason}
          placeholder="why (when sending back)"
          onChange={(e) => setReason(e.target.value)}
        />{' '}
        <button
          type="button"
          className="secondary"
          aria-label={`Send back ${title}`}
          disabled={reject.isPending}
          onClick={() => reject.mutate()}
        >
          Send back
        </button>
        <ErrorMessage error={approve.error ?? reject.error} />
      </td>
    </tr>
  );
}

function Drafts() {
  const incidents = usePublicIncidents();
  const list = useQuery({
    queryKey: keys.drafts,
    queryFn: async () => (await request<{ items: Draft[] }>('/status/drafts?stage=pending')).items,
  });
  return (
    <>
      <h2>Drafts waiting for approval</h2>
      <p className="hint">
        A draft is published exactly as written when someone other than its writer approves it.
      </p>
      <QueryState query={list} what="drafts">
        {(items) =>
          items.length === 0 ? (
            <Empty>No drafts are waiting.</Empty>
          ) : (
            <DataTable
              caption="Drafts waiting for approval"
              hideCaption
              testId="drafts"
              columns={['Title', 'Text', 'Written', 'Actions']}
            >
              {items.map((d) => (
                <DraftRow key={d.id} d={d} incidents={incidents.data ?? []} />
              ))}
            </DataTable>
          )
        }
      </QueryState>
    </>
  );
}

/** Components for everyone on staff; publishing and drafts for those who may publish. */
export function StatusPublishingPage() {
  const can = useCan();
  const components = useAllComponents();
  const mayPublish = can('status.publish');
  return (
    <>
      <h1>Components, incidents and drafts</h1>
      <p>
        <Link to="/status-page">Back to the status page</Link> ·{' '}
        <a href="/status">Open the public page</a>
      </p>
      <Components />
      {mayPublish && components.data ? <PublishIncident components={components.data} /> : null}
      <Incidents components={components.data ?? []} />
      {mayPublish ? <Drafts /> : null}
    </>
  );
}
