// The audit log: who did what to what, newest first, filtered by actor, action, target and time
// (all kept in the URL, so a filtered view can be shared), in pages, with the export download.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { z } from 'zod';
import type { AuditEntryView, AuditVerification } from '../../../shared/api/accounts.ts';
import { query, request } from '../../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../../components/common.tsx';
import { DataTable, Pager } from '../../components/data-table.tsx';
import { keyWords, localToRfc3339, rfc3339ToLocal } from '../../format.ts';
import { useCan } from '../../session.tsx';
import { adminKeys, useUserNames, useUsers } from './shared.tsx';

type AuditEntry = z.infer<typeof AuditEntryView>;

const PAGE = 50;
const FILTERS = ['actorId', 'action', 'targetType', 'targetId', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** Actions the trail records, for the suggestion list (any text is accepted). */
const KNOWN_ACTIONS = [
  'user.created',
  'user.updated',
  'user.roles_changed',
  'user.password_link_issued',
  'user.password_set',
  'user.password_changed',
  'mfa.enabled',
  'mfa.disabled',
  'mfa.reset',
  'token.created',
  'token.revoked',
  'session.signed_in',
  'session.signed_out',
  'session.sign_in_failed',
  'session.sign_in_throttled',
  'personal_data.read',
  'audit.exported',
  'setup.completed',
];

function FilterForm({ current, onApply }: { current: Filters; onApply: (f: Filters) => void }) {
  const id = useId();
  const can = useCan();
  const users = useUsers();
  const [draft, setDraft] = useState(current);
  const field = (name: keyof Filters) => ({
    id: `${id}-${name}`,
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    onApply(draft);
  }
  const empty = Object.fromEntries(FILTERS.map((f) => [f, ''])) as Filters;
  return (
    <form className="filters panel" onSubmit={submit} aria-label="Filter the audit log">
      <div>
        <label htmlFor={`${id}-actorId`}>Who</label>
        {can('users.read') && users.data ? (
          <select {...field('actorId')}>
            <option value="">Anyone</option>
            {users.data.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.email})
              </option>
            ))}
          </select>
        ) : (
          <input {...field('actorId')} placeholder="User id" />
        )}
      </div>
      <div>
        <label htmlFor={`${id}-action`}>Action</label>
        <input {...field('action')} list={`${id}-actions`} placeholder="e.g. user.created" />
        <datalist id={`${id}-actions`}>
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </div>
      <div>
        <label htmlFor={`${id}-targetType`}>Target kind</label>
        <input {...field('targetType')} placeholder="e.g. user, api_token, report" />
      </div>
      <div>
        <label htmlFor={`${id}-targetId`}>Target id</label>
        <input {...field('targetId')} />
      </div>
      <div>
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="datetime-local"
          value={rfc3339ToLocal(draft.from)}
          onChange={(e) => setDraft({ ...draft, from: localToRfc3339(e.target.value) ?? '' })}
        />
      </div>
      <div>
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="datetime-local"
          value={rfc3339ToLocal(draft.to)}
          onChange={(e) => setDraft({ ...draft, to: localToRfc3339(e.target.value) ?? '' })}
        />
      </div>
      <div className="buttons">
        <button type="submit">Apply filters</button>{' '}
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setDraft(empty);
            onApply(empty);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

function Target({ target }: { target: AuditEntry['target'] }) {
  const userName = useUserNames();
  if (!target) return <span className="muted">—</span>;
  if (target.type === 'user' && target.id) return <>User {userName(target.id)}</>;
  return (
    <>
      {target.type.replace(/_/g, ' ')} <code className="small">{target.id}</code>
    </>
  );
}

/** A value as text: words as they are, a list of words joined, anything else as compact JSON. */
function factText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.length === 0 ? 'none' : value.join(', ');
  return JSON.stringify(value);
}

/**
 * What the entry recorded, one fact per line under its name in words. Detail may hold
 * attacker-chosen text: shown as text, never as markup; a nested value as compact JSON.
 */
function Detail({ detail }: { detail: AuditEntry['detail'] }) {
  const facts = Object.entries(detail);
  if (facts.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="detail">
      {facts.map(([key, value]) => (
        <div key={key}>
          <dt>{keyWords(key)}</dt>
          <dd>{factText(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Entries({ entries }: { entries: AuditEntry[] }) {
  const userName = useUserNames();
  if (entries.length === 0) return <Empty>No entries match these filters.</Empty>;
  return (
    <DataTable testId="audit-entries" columns={['When', 'Who', 'Action', 'Target', 'Detail']}>
      {entries.map((e) => (
        <tr key={e.id}>
          <td>
            <Time value={e.at} />
            <div className="muted small">#{e.seq}</div>
          </td>
          <td>
            {e.actor.id ? userName(e.actor.id) : e.actor.kind}
            {e.actor.kind === 'token' ? <div className="muted small">with a token</div> : null}
            {e.actor.ip ? <div className="muted small">{e.actor.ip}</div> : null}
          </td>
          <td>
            <code>{e.action}</code>
          </td>
          <td>
            <Target target={e.target} />
          </td>
          <td>
            <Detail detail={e.detail} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** Recomputes the hash chain on request (it reads the whole trail, so not on every visit). */
function ChainCheck() {
  const check = useMutation({
    mutationFn: () => request<z.infer<typeof AuditVerification>>('/audit/verify'),
  });
  const result = check.data;
  return (
    <div className="chain" data-testid="chain-check">
      <button
        type="button"
        className="secondary"
        disabled={check.isPending}
        onClick={() => check.mutate()}
      >
        {check.isPending ? 'Checking…' : 'Check the chain'}
      </button>{' '}
      {result?.intact ? (
        <span role="status" className="chain-ok">
          ✓ Intact: all {result.entries} entries match their hashes (checked{' '}
          <Time value={result.checkedAt} />
          ).
        </span>
      ) : result?.broken ? (
        <span role="alert" className="chain-broken">
          ✕ Broken at entry #{result.broken.seq}: {result.broken.reason}. The trail was changed
          outside Stopline; keep a copy and investigate.
        </span>
      ) : null}
      <ErrorMessage error={check.error} />
    </div>
  );
}

export function AuditPage() {
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Filters;
  const beforeSeq = params.get('beforeSeq') ?? '';
  const entries = useQuery({
    queryKey: [...adminKeys.audit, filters, beforeSeq],
    queryFn: () => request<AuditEntry[]>(`/audit${query({ ...filters, beforeSeq, limit: PAGE })}`),
  });
  const exportHref = (format: 'csv' | 'json') =>
    `/api/v1/audit/export${query({ ...filters, format })}`;
  const pageLink = (seq: string) => ({ search: query({ ...filters, beforeSeq: seq }) });
  const last = entries.data?.at(-1);
  return (
    <>
      <h1>Audit log</h1>
      <p>
        Every change to accounts, tokens and access, and every read of a reporter&apos;s personal
        data, is recorded here in a hash chain: an entry edited or removed afterwards breaks it.
      </p>
      <ChainCheck />
      <FilterForm key={params.toString()} current={filters} onApply={(f) => setParams(query(f))} />
      {can('audit.export') ? (
        <p className="export">
          Download the entries matching these filters (all of them, oldest first):{' '}
          <a href={exportHref('csv')} download data-testid="export-csv">
            CSV
          </a>{' '}
          ·{' '}
          <a href={exportHref('json')} download>
            JSON
          </a>
          . The download is itself recorded.
        </p>
      ) : null}
      <QueryState query={entries} what="audit entries">
        {(list) => <Entries entries={list} />}
      </QueryState>
      <Pager label="Audit log pages">
        {beforeSeq ? <Link to={pageLink('')}>Newest entries</Link> : null}
        {last && entries.data?.length === PAGE ? (
          <Link to={pageLink(String(last.seq))}>Older entries</Link>
        ) : null}
      </Pager>
    </>
  );
}
