// The status page's components, public incidents and drafts as staff run them in the console:
// admins add components and set their status (status.manage); whoever may publish publishes a
// public incident or an update, or writes a draft that another person approves (four-eyes), and
// approves or rejects the drafts of others (status.publish). The server checks every call; the
// forms show only to those who may use them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { PublicIncident, StatusComponent, StatusDraft } from '../../shared/api/status.ts';
import {
  COMPONENT_STATUSES,
  COMPONENT_STATUS_WORDS,
  IMPACT_WORDS,
  INCIDENT_IMPACTS,
  INCIDENT_STATUS_WORDS,
  type ComponentStatus,
  type IncidentImpact,
} from '../../shared/domain/status.ts';
import { patch, post, request } from '../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../components/common.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Link } from 'react-router';
import { useCan } from '../session.tsx';

type Component = z.infer<typeof StatusComponent>;
type Incident = z.infer<typeof PublicIncident>;
type Draft = z.infer<typeof StatusDraft>;

const keys = {
  components: ['status', 'components'] as const,
  allComponents: ['status', 'components', 'all'] as const,
  incidents: ['status', 'incidents'] as const,
  drafts: ['status', 'drafts'] as const,
};

function ComponentRow({ c, mayManage }: { c: Component; mayManage: boolean }) {
  const queryClient = useQueryClient();
  const set = useMutation({
    mutationFn: (status: ComponentStatus) =>
      patch(`/status/components/${encodeURIComponent(c.id)}`, { status }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.components }),
  });
  return (
    <tr>
      <th scope="row">{c.isGroup ? `${c.name} (group)` : c.name}</th>
      <td>{COMPONENT_STATUS_WORDS[c.shownStatus]}</td>
      <td>
        {mayManage && !c.isGroup ? (
          <>
            <label htmlFor={`status-${c.id}`} className="visually-hidden">
              Status of {c.name}
            </label>
            <select
              id={`status-${c.id}`}
              value={c.status}
              disabled={set.isPending}
              onChange={(e) => set.mutate(e.target.value as ComponentStatus)}
            >
              {COMPONENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {COMPONENT_STATUS_WORDS[s]}
                </option>
              ))}
            </select>
          </>
        ) : (
          COMPONENT_STATUS_WORDS[c.status]
        )}
        <ErrorMessage error={set.error} />
      </td>
    </tr>
  );
}

function Components() {
  const id = useId();
  const can = useCan();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const list = useQuery({
    queryKey: keys.allComponents,
    queryFn: async () => (await request<{ items: Component[] }>('/status/components')).items,
  });
  const add = useMutation({
    mutationFn: () => post('/status/components', { name }),
    onSuccess: async () => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: keys.components });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }
  const mayManage = can('status.manage');
  return (
    <>
      <h2>Components</h2>
      <QueryState query={list} what="components">
        {(items) =>
          items.length === 0 ? (
            <Empty>No components yet.</Empty>
          ) : (
            <DataTable
              caption="Components"
              hideCaption
              testId="components"
              columns={['Component', 'The page shows', 'Set on the component']}
            >
              {items.map((c) => (
                <ComponentRow key={c.id} c={c} mayManage={mayManage} />
              ))}
            </DataTable>
          )
        }
      </QueryState>
      {mayManage ? (
        <form onSubmit={submit} aria-labelledby={`${id}-h`}>
          <h3 id={`${id}-h`}>Add a component</h3>
          <label htmlFor={`${id}-name`}>Component name</label>
          <input
            id={`${id}-name`}
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" disabled={add.isPending}>
            Add component
          </button>
          <ErrorMessage error={add.error} />
        </form>
      ) : null}
    </>
  );
}

function PublishIncident({ components }: { components: Component[] }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [impact, setImpact] = useState<IncidentImpact>('minor');
  const [body, setBody] = useState('');
  const [affected, setAffected] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const content = () => ({
    name,
    impact,
    body,
    components: affected.map((componentId) => ({ componentId, status: 'partial_outage' })),
  });
  const reset = async (message: string) => {
    setName('');
    setBody('');
    setAffected([]);
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

function Incidents() {
  const list = useQuery({
    queryKey: keys.incidents,
    queryFn: async () => (await request<{ items: Incident[] }>('/status/incidents')).items,
  });
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
              columns={['Title', 'Impact', 'Status', 'Latest update', 'Internal incident']}
            >
              {items.map((i) => (
                <tr key={i.id}>
                  <th scope="row">
                    <a href={i.url}>{i.name}</a>
                  </th>
                  <td>{IMPACT_WORDS[i.impact]}</td>
                  <td>{INCIDENT_STATUS_WORDS[i.status]}</td>
                  <td>
                    {i.updates.length > 0 ? (
                      <Time value={i.updates[i.updates.length - 1]!.displayAt} />
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{i.internalIncident?.key ?? '—'}</td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </QueryState>
    </>
  );
}

function DraftRow({ d }: { d: Draft }) {
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
  const title = d.opens?.name ?? d.changes.name ?? 'Update';
  return (
    <tr>
      <th scope="row">{title}</th>
      <td>{d.update.body}</td>
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
                <DraftRow key={d.id} d={d} />
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
  const components = useQuery({
    queryKey: keys.allComponents,
    queryFn: async () => (await request<{ items: Component[] }>('/status/components')).items,
  });
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
      <Incidents />
      {mayPublish ? <Drafts /> : null}
    </>
  );
}
