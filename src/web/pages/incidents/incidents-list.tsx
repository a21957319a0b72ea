// /incidents: every incident the user may see, filtered by phase, severity, owner, criticality
// and text (the filters live in the URL, so a filtered view can be shared), and the form that
// declares a new incident.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { post } from '../../api.ts';
import {
  Empty,
  ErrorMessage,
  ExerciseBadge,
  QueryState,
  SeverityBadge,
  Time,
} from '../../components/common.tsx';
import { OffsetPager } from '../../components/data-table.tsx';
import { FilterSelect } from '../../components/filter-select.tsx';
import { humanize } from '../../format.ts';
import { keys, useIncidents, usePolicy } from '../../queries.ts';
import { useCan, useSession } from '../../session.tsx';
import { useUrlFilters } from '../../url-filters.ts';
import { useStaff } from './incident-data.ts';
import { Field, TextArea, TextInput } from './incident-parts.tsx';
import './incidents.css';
import { consolePath } from '../../../shared/domain/console-paths.ts';

const PAGE = 25;
const FILTERS = ['phase', 'severity', 'owner', 'criticality', 'q'] as const;
type Filter = (typeof FILTERS)[number];

export function IncidentsPage() {
  const can = useCan();
  const { filter, offset, setFilter, setOffset } = useUrlFilters(FILTERS);
  const incidents = useIncidents({ ...filter, limit: PAGE, offset });

  return (
    <>
      <h1>Incidents</h1>
      {can('incidents.create') ? <DeclareIncident /> : null}
      <Filters filter={filter} setFilter={setFilter} />
      <QueryState query={incidents} what="incidents">
        {(data) => (
          <>
            <p className="muted" role="status">
              {data.total === 0
                ? 'No incidents match.'
                : `Showing ${data.offset + 1}–${data.offset + data.items.length} of ${data.total}`}
            </p>
            {data.items.length === 0 ? (
              <Empty>
                {Object.keys(filter).length > 0
                  ? 'Try fewer filters.'
                  : 'No incidents yet. Declare one when something is burning.'}
              </Empty>
            ) : (
              <IncidentCards items={data.items} />
            )}
            <OffsetPager
              label="Pages"
              offset={offset}
              shown={data.items.length}
              total={data.total}
              page={PAGE}
              setOffset={setOffset}
              words={['Newer incidents', 'Older incidents']}
            />
          </>
        )}
      </QueryState>
    </>
  );
}

function Filters({
  filter,
  setFilter,
}: {
  filter: Partial<Record<Filter, string>>;
  setFilter: (values: Partial<Record<Filter, string>>) => void;
}) {
  const policy = usePolicy();
  const session = useSession();
  const { people } = useStaff();
  const [q, setQ] = useState(filter.q ?? '');
  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter incidents"
      onSubmit={(e) => {
        e.preventDefault();
        setFilter({ q: q.trim() });
      }}
    >
      <div>
        <label htmlFor="filter-q">Search title, summary or key</label>
        <div className="inline">
          <input id="filter-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          <button type="submit">Search</button>
        </div>
      </div>
      <FilterSelect
        label="Phase"
        any="Any phase"
        value={filter.phase}
        onChange={(v) => setFilter({ phase: v })}
        options={(policy.data?.phases ?? []).map((p) => [p.id, p.name])}
      />
      <FilterSelect
        label="Severity"
        any="Any severity"
        value={filter.severity}
        onChange={(v) => setFilter({ severity: v })}
        options={(policy.data?.severities ?? []).map((s) => [s.id, `${s.id} · ${s.name}`])}
      />
      <FilterSelect
        label="Critical?"
        any="Any"
        value={filter.criticality}
        onChange={(v) => setFilter({ criticality: v })}
        options={[
          ['critical', 'Critical'],
          ['non_critical', 'Not critical'],
          ['undecided', 'Not decided yet'],
        ]}
      />
      <FilterSelect
        label="Owner"
        any="Anyone"
        value={filter.owner}
        onChange={(v) => setFilter({ owner: v })}
        options={[
          [session.user.id, 'Me'],
          ...people
            .filter((p) => p.id !== session.user.id)
            .map((p): [string, string] => [p.id, p.displayName]),
        ]}
      />
    </form>
  );
}

function IncidentCards({
  items,
}: {
  items: NonNullable<ReturnType<typeof useIncidents>['data']>['items'];
}) {
  const policy = usePolicy();
  const { nameOf } = useStaff();
  const phaseName = (id: string) =>
    policy.data?.phases.find((p) => p.id === id)?.name ?? humanize(id);
  return (
    <ul className="cards" data-testid="incident-list">
      {items.map((i) => (
        <li key={i.id} className="card incident-card">
          <Link to={consolePath.incident(i.key)} className="incident-link">
            <strong>{i.key}</strong> <span>{i.title}</span>
          </Link>
          <div className="meta">
            <ExerciseBadge kind={i.exerciseKind} />
            <SeverityBadge severity={i.severity} />
            <span>
              Phase: <strong>{phaseName(i.phase)}</strong>
            </span>
            <span>
              Owner: {i.ownerId ? nameOf(i.ownerId) : <span className="badge warn">No owner</span>}
            </span>
            {i.criticality ? (
              <span>{i.criticality === 'critical' ? 'Critical' : 'Not critical'}</span>
            ) : (
              <span className="muted">Criticality not decided</span>
            )}
            {i.lineStopped ? (
              <span className="badge stopped">
                <span aria-hidden="true">■ </span>Line stopped
              </span>
            ) : null}
            {i.restricted ? <span className="badge">Restricted</span> : null}
            <span className="muted">
              Declared <Time value={i.declaredAt} />
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}

function DeclareIncident() {
  const policy = usePolicy();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [severity, setSeverity] = useState('');
  const [rationale, setRationale] = useState('');
  const [emergency, setEmergency] = useState('');
  const [restricted, setRestricted] = useState(false);
  const can = useCan();
  // A new incident has no reproduction: where the policy orders it first, a severity now is the
  // security lead's emergency override, with its reason; others leave the severity for later.
  const emergencyOnly = policy.data?.verification.requiredBefore.includes('severity') ?? false;
  const offerSeverity =
    !emergencyOnly ||
    ((policy.data?.verification.allowEmergencySeverity ?? false) && can('incidents.decide'));
  const declare = useMutation({
    mutationFn: () =>
      post<{ key: string }>('/incidents', {
        title,
        summary,
        restricted,
        ...(severity ? { severity, severityRationale: rationale || 'Set when declared' } : {}),
        ...(severity && emergencyOnly ? { severityOverride: { reason: emergency } } : {}),
      }),
    onSuccess: async (incident) => {
      await queryClient.invalidateQueries({ queryKey: keys.incidents });
      navigate(consolePath.incident(incident.key));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    declare.mutate();
  };
  return (
    <details className="panel declare">
      <summary>Declare incident</summary>
      <form onSubmit={submit} aria-label="Declare incident">
        <TextInput
          label="Title"
          help="What is happening, in a few words."
          required
          maxLength={300}
          value={title}
          onChange={setTitle}
        />
        <TextArea
          label="Summary"
          help="What you know so far: what, where, since when, how you found out."
          value={summary}
          onChange={setSummary}
        />
        {offerSeverity ? (
          <Field
            label={emergencyOnly ? 'Emergency severity (optional)' : 'Severity (optional)'}
            help={
              emergencyOnly
                ? 'The policy sets the severity once the issue is verified and reproduced. Only in an emergency that cannot wait, set it now: the incident records that you did and why.'
                : 'Leave it to the panel unless you already know. A critical severity stops the line.'
            }
          >
            {(p) => (
              <select {...p} value={severity} onChange={(e) => setSeverity(e.target.value)}>
                <option value="">Let the panel decide</option>
                {policy.data?.severities.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.id} · {s.name} — {s.description}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <p className="help" data-testid="severity-after-reproduction">
            The severity is set once the issue is verified and reproduced, as the policy orders (or
            by the security lead in an emergency).
          </p>
        )}
        {severity ? (
          <TextArea label="Why this severity" required value={rationale} onChange={setRationale} />
        ) : null}
        {severity && emergencyOnly ? (
          <TextArea
            label="Emergency: why it cannot wait for verify & reproduce"
            required
            value={emergency}
            onChange={setEmergency}
          />
        ) : null}
        <p className="check">
          <input
            id="declare-restricted"
            type="checkbox"
            checked={restricted}
            onChange={(e) => setRestricted(e.target.checked)}
            aria-describedby="declare-restricted-help"
          />
          <label htmlFor="declare-restricted">Restricted</label>
        </p>
        <p className="help" id="declare-restricted-help">
          Only the people working on it (and admins) will see a restricted incident, e.g. for an
          insider case.
        </p>
        <ErrorMessage error={declare.error} />
        <button type="submit" disabled={declare.isPending}>
          {declare.isPending ? 'Declaring…' : 'Declare incident'}
        </button>
      </form>
    </details>
  );
}
