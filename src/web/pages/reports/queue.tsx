// The triage queue: reports filtered by status (the open ones unless asked otherwise), text and
// received day, all in the URL so a filtered view can be shared. Each row says in words where
// the report stands and how long is left to acknowledge it.
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ReportSummary } from '../../../shared/api/reports.ts';
import { REPORT_STATUSES } from '../../../shared/domain/reports.ts';
import { Countdown, Empty, ErrorMessage, Loading, Time } from '../../components/common.tsx';
import {
  filtersFromUrl,
  filtersToUrl,
  isOpenStatuses,
  PAGE_SIZE,
  STATUS_WORDS,
  useIncidentRef,
  useReportQueue,
  type QueueFilters,
} from './report-data.ts';
import { useNow } from '../../clock.ts';
import { toMs } from '../../format.ts';
import { TextField } from './fields.tsx';
import './reports.css';
import { consolePath } from '../../../shared/domain/console-paths.ts';

export function ReportsQueuePage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromUrl(params);
  const queue = useReportQueue(filters);
  const apply = (next: QueueFilters) => setParams(filtersToUrl(next));

  return (
    <>
      <h1>Reports</h1>
      <QueueFilterForm
        // A new URL (back button, shared link) resets the form to what it says.
        key={params.toString()}
        filters={filters}
        onApply={(next) => apply({ ...next, offset: 0 })}
      />
      {queue.isPending ? (
        <Loading what="reports" />
      ) : queue.error ? (
        <ErrorMessage error={queue.error} />
      ) : queue.data.reports.length === 0 ? (
        <Empty>No reports match these filters.</Empty>
      ) : (
        <>
          <p className="muted" role="status">
            {describeCount(queue.data.reports.length, filters.offset)}
          </p>
          <QueueTable reports={queue.data.reports} />
          <nav aria-label="Pages of reports" className="report-pages">
            {filters.offset > 0 ? (
              <Link
                to={`?${filtersToUrl({ ...filters, offset: Math.max(0, filters.offset - PAGE_SIZE) })}`}
              >
                ← Newer reports
              </Link>
            ) : null}
            {queue.data.reports.length === PAGE_SIZE ? (
              <Link to={`?${filtersToUrl({ ...filters, offset: filters.offset + PAGE_SIZE })}`}>
                Older reports →
              </Link>
            ) : null}
          </nav>
        </>
      )}
    </>
  );
}

function describeCount(count: number, offset: number): string {
  if (offset === 0)
    return count === 1 ? '1 report, newest first.' : `${count} reports, newest first.`;
  return `Reports ${offset + 1} to ${offset + count}, newest first.`;
}

function QueueFilterForm({
  filters,
  onApply,
}: {
  filters: QueueFilters;
  onApply: (filters: QueueFilters) => void;
}) {
  const [statuses, setStatuses] = useState(filters.statuses);
  const [q, setQ] = useState(filters.q);
  const [from, setFrom] = useState(filters.from);
  const [to, setTo] = useState(filters.to);
  // Unfolded on a wide screen; on a phone the queue comes first.
  const [open, setOpen] = useState(() => window.matchMedia('(min-width: 48rem)').matches);

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({ statuses, q, from, to, offset: 0 });
  }

  return (
    <details
      className="panel report-filters"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        <strong>Filters</strong>{' '}
        <span data-testid="filter-summary">{describeFilters(filters)}</span>
      </summary>
      <form onSubmit={submit} aria-label="Filter reports">
        <fieldset>
          <legend>Status</legend>
          <p className="muted help" id="status-help">
            None ticked shows every status.
          </p>
          <div className="status-choices">
            {REPORT_STATUSES.map((s) => (
              <label key={s} className="inline">
                <input
                  type="checkbox"
                  name="status"
                  value={s}
                  checked={statuses.includes(s)}
                  aria-describedby="status-help"
                  onChange={(e) =>
                    setStatuses(
                      e.target.checked
                        ? REPORT_STATUSES.filter((x) => x === s || statuses.includes(x))
                        : statuses.filter((x) => x !== s),
                    )
                  }
                />{' '}
                {STATUS_WORDS[s]}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="filter-fields">
          <div>
            <TextField
              id="report-q"
              label="Search"
              type="search"
              maxLength={200}
              help="Key, summary or description."
              value={q}
              onChange={setQ}
            />
          </div>
          <div>
            <TextField
              id="report-from"
              label="Received from"
              type="date"
              value={from}
              onChange={setFrom}
            />
          </div>
          <div>
            <TextField id="report-to" label="Received to" type="date" value={to} onChange={setTo} />
          </div>
        </div>
        <button type="submit">Show reports</button>
      </form>
    </details>
  );
}

/** What the queue shows, in words (also when the filters are folded away). */
export function describeFilters(filters: QueueFilters): string {
  const parts = [
    isOpenStatuses(filters.statuses)
      ? 'Open reports (received, acknowledged, being investigated)'
      : filters.statuses.length === 0
        ? 'Every status'
        : filters.statuses.map((s) => STATUS_WORDS[s]).join(', '),
  ];
  if (filters.q.trim()) parts.push(`matching “${filters.q.trim()}”`);
  if (filters.from) parts.push(`received from ${filters.from}`);
  if (filters.to) parts.push(`received up to ${filters.to}`);
  return parts.join(' · ');
}

function QueueTable({ reports }: { reports: ReportSummary[] }) {
  return (
    <table className="report-queue" data-testid="report-queue">
      <caption className="visually-hidden">Reports</caption>
      <thead>
        <tr>
          <th scope="col">Report</th>
          <th scope="col">Status</th>
          <th scope="col">Received</th>
          <th scope="col">Acknowledge by</th>
          <th scope="col">Reporter identity</th>
          <th scope="col">Incident</th>
        </tr>
      </thead>
      <tbody>
        {reports.map((r) => (
          <QueueRow key={r.key} report={r} />
        ))}
      </tbody>
    </table>
  );
}

function QueueRow({ report: r }: { report: ReportSummary }) {
  const now = useNow();
  const waiting = r.acknowledgedAt === null && r.status === 'received';
  const breached = waiting && toMs(r.acknowledgeDueAt) < now;
  return (
    <tr className={breached ? 'breached' : undefined} data-testid={`report-row-${r.key}`}>
      <th scope="row" data-label="Report">
        <Link to={consolePath.report(r.key)} className="report-key">
          {r.key}
        </Link>
        {/* The reporter's words, shown as text. */}
        <span className="report-summary">{r.summary}</span>
      </th>
      <td data-label="Status">
        <span className={`badge status-${r.status}`}>{STATUS_WORDS[r.status]}</span>
        {r.emergency ? (
          <>
            {' '}
            <span className="badge warn">Emergency</span>
          </>
        ) : null}
      </td>
      <td data-label="Received">
        <Time value={r.receivedAt} />
      </td>
      <td data-label="Acknowledge by">
        <AcknowledgeState report={r} breached={breached} />
      </td>
      <td data-label="Reporter identity">
        {r.verified ? (
          <span className="badge ok">
            <span aria-hidden="true">✓ </span>Verified
          </span>
        ) : (
          <span className="muted">Not verified</span>
        )}
      </td>
      <td data-label="Incident">
        {r.incidentId ? <IncidentLink id={r.incidentId} /> : <span className="muted">None</span>}
      </td>
    </tr>
  );
}

/** The acknowledgment promise: a countdown while waiting, "Breached" in words once it passed. */
export function AcknowledgeState({
  report,
  breached,
}: {
  report: Pick<ReportSummary, 'acknowledgedAt' | 'acknowledgeDueAt' | 'status'>;
  breached: boolean;
}) {
  if (report.acknowledgedAt !== null) {
    const late = toMs(report.acknowledgedAt) > toMs(report.acknowledgeDueAt);
    return (
      <span>
        Acknowledged <Time value={report.acknowledgedAt} />
        {late ? <span className="badge warn">Late</span> : null}
      </span>
    );
  }
  if (report.status !== 'received') return <span className="muted">Not acknowledged</span>;
  return (
    <span className="ack-due">
      {breached ? <span className="badge stopped">Breached</span> : null}{' '}
      <Countdown due={report.acknowledgeDueAt} />
    </span>
  );
}

/** The incident handling a report, by key, linked to its page. */
export function IncidentLink({ id }: { id: string }) {
  const incident = useIncidentRef(id);
  if (incident.data)
    return (
      <Link to={consolePath.incident(incident.data.key)} data-testid="incident-link">
        {incident.data.key}
      </Link>
    );
  if (incident.error) return <span className="muted">An incident you cannot see</span>;
  return <span className="muted">Incident…</span>;
}
