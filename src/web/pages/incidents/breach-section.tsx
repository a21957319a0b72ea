// The incident's breach panel: whether the incident has a personal-data breach record, each
// regime's stages with their clocks counting down (everyone on the incident); for the legal role,
// the record's status and risk, its determinations, drafts with their approval and sending, the
// contact list's tombstones and the submissions. Live: the query sits under ['breach', key], refreshed on `breach` notices.
import { useState, type FormEvent } from 'react';
import { DETERMINATION_KINDS } from '../../../shared/domain/breach.ts';
import { Countdown, Empty, ErrorMessage, Loading, Time } from '../../components/common.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { humanize } from '../../format.ts';
import { useCan } from '../../session.tsx';
import {
  useBreach,
  useBreachChange,
  type Breach,
  type BreachChange,
  type BreachDetails as Details,
} from './breach-data.ts';
import {
  ContactImportForm,
  ContactTombstones,
  EraseBreachContact,
  NoticeEditForm,
  SubmissionForm,
} from './breach-forms.tsx';
import type { SectionProps } from './incident-data.ts';
import { FormDetails, KindSelect, TextArea } from './incident-parts.tsx';

const STAGE_WORDS: Record<string, string> = {
  waiting: 'Waiting for its determination',
  running: 'Running',
  submitted: 'Submitted',
  stopped: 'Stopped (not a breach)',
  not_required: 'Not required (the counts do not call for it)',
};

export function BreachSection({ detail }: SectionProps) {
  const key = detail.incident.key;
  const breach = useBreach(key);
  const can = useCan();
  const change = useBreachChange(key);
  let body;
  if (breach.isPending) body = <Loading what="the breach record" />;
  else if (breach.error) body = <ErrorMessage error={breach.error} />;
  else if (!breach.data) {
    const raise = can('breach.manage') ? '' : can('incidents.assess') ? '/suspicion' : null;
    body = (
      <>
        <Empty>No personal-data breach is recorded on this incident.</Empty>
        {raise !== null ? (
          <form
            aria-label="Raise a suspected breach"
            onSubmit={(e) => {
              e.preventDefault();
              void change.run(raise, raise === '' ? { status: 'suspected' } : {});
            }}
          >
            <p className="help">
              Personal data may be involved? The legal role is told and owns the record.
            </p>
            <button type="submit" className="secondary" disabled={change.pending}>
              Raise a suspected breach
            </button>
            <ErrorMessage error={change.error} />
          </form>
        ) : null}
      </>
    );
  } else {
    body = (
      <>
        <RegimeClocks breach={breach.data} />
        {breach.data.details ? (
          <BreachDetails breach={breach.data} details={breach.data.details} change={change} />
        ) : (
          <p className="muted" data-testid="breach-restricted">
            The record&apos;s details are kept by the legal role.
          </p>
        )}
        {can('data.erase') ? <EraseBreachContact incidentKey={key} /> : null}
      </>
    );
  }
  return (
    <section aria-labelledby="breach-heading" className="panel" data-testid="breach-panel">
      <h2 id="breach-heading">Personal-data breach</h2>
      {body}
    </section>
  );
}

function RegimeClocks({ breach }: { breach: Breach }) {
  if (breach.regimes.length === 0) return <Empty>The policy lists no breach regimes.</Empty>;
  return (
    <DataTable
      className="breach-clocks"
      testId="breach-clocks"
      caption="Regulator clocks"
      columns={['Stage', 'To', 'State', 'Due']}
    >
      {breach.regimes.flatMap((r) =>
        r.stages.map((s) => (
          <tr key={`${s.regimeId}.${s.stageId}`}>
            <th scope="row">
              {r.name}: {s.stageName}
            </th>
            <td>{s.recipient}</td>
            <td>
              {r.applies === false ? 'Not notifiable (decided)' : STAGE_WORDS[s.status]}
              {s.late ? ' (late)' : ''}
            </td>
            <td>
              {s.status === 'running' && s.dueAt ? (
                <Countdown due={s.dueAt} />
              ) : s.status === 'submitted' ? (
                <Time value={s.submittedAt} />
              ) : (
                <span className="muted">—</span>
              )}
            </td>
          </tr>
        )),
      )}
    </DataTable>
  );
}

function BreachDetails({
  breach,
  details,
  change,
}: {
  breach: Breach;
  details: Details;
  change: BreachChange;
}) {
  const can = useCan();
  const manage = can('breach.manage');
  const [kind, setKind] = useState<string>('personal_data_involved');
  const [value, setValue] = useState('yes');
  const [rationale, setRationale] = useState('');
  const determine = (e: FormEvent) => {
    e.preventDefault();
    void change
      .run('/determinations', { kind, value: value === 'yes', rationale })
      .then((ok) => ok && setRationale(''));
  };
  const stages = breach.regimes.flatMap((r) => r.stages);
  return (
    <>
      <dl className="facts" data-testid="breach-facts">
        <div>
          <dt>Status</dt>
          <dd>{humanize(details.status)}</dd>
        </div>
        <div>
          <dt>Risk to people</dt>
          <dd>{details.riskLevel ? humanize(details.riskLevel) : 'Not assessed'}</dd>
        </div>
        <div>
          <dt>People</dt>
          <dd>
            {details.people.count === null
              ? 'Unknown'
              : `${details.people.estimate ? 'about ' : ''}${details.people.count}`}
          </dd>
        </div>
      </dl>
      <h3>Determinations</h3>
      {details.determinations.length === 0 ? (
        <Empty>None recorded yet.</Empty>
      ) : (
        <ol className="decisions" data-testid="breach-determinations">
          {details.determinations.map((d, i) => (
            <li key={i}>
              <strong>
                {humanize(d.kind)}: {d.value ? 'yes' : 'no'}
              </strong>{' '}
              (as of <Time value={d.at} />)<p>Why: {d.rationale}</p>
            </li>
          ))}
        </ol>
      )}
      {manage ? (
        <FormDetails
          summary="Record a determination"
          label="Record a determination"
          onSubmit={determine}
        >
          <KindSelect
            label="Determination"
            kinds={DETERMINATION_KINDS}
            value={kind}
            onChange={setKind}
          />
          <KindSelect label="Decision" kinds={['yes', 'no']} value={value} onChange={setValue} />
          <TextArea label="Why" required value={rationale} onChange={setRationale} />
          <button type="submit" disabled={change.pending}>
            Record the determination
          </button>
        </FormDetails>
      ) : null}
      <h3>Notices</h3>
      {details.notices.length === 0 ? <Empty>No notices drafted.</Empty> : null}
      <ul className="breach-notices" data-testid="breach-notices">
        {details.notices.map((n) => {
          const stage = stages.find((s) => s.regimeId === n.regimeId && s.stageId === n.stageId);
          return (
            <li key={n.id}>
              <p>
                <strong>{n.subject}</strong> — {stage?.stageName ?? n.stageId} ·{' '}
                {humanize(n.status)}
                {n.recipients !== null ? ` to ${n.recipients} people` : ''}
              </p>
              <pre className="notice-text">{n.text}</pre>
              {manage && n.status === 'draft' ? (
                <NoticeEditForm
                  key={`${n.id}:${n.subject}:${n.text}`}
                  incidentKey={breach.incidentKey}
                  notice={n}
                />
              ) : null}
              {manage && n.status === 'draft' ? (
                <button type="button" onClick={() => void change.run(`/notices/${n.id}/approval`)}>
                  Approve “{n.subject}”
                </button>
              ) : null}
              {manage && n.status === 'approved' && n.audience === 'individuals' ? (
                <button type="button" onClick={() => void change.run(`/notices/${n.id}/send`)}>
                  Send to the people affected
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {manage ? (
        <div className="draft-buttons">
          {stages.map((s) => (
            <button
              key={`${s.regimeId}.${s.stageId}`}
              type="button"
              className="secondary"
              onClick={() =>
                void change.run('/notices', { regimeId: s.regimeId, stageId: s.stageId })
              }
            >
              Draft: {s.stageName}
            </button>
          ))}
        </div>
      ) : null}
      <ErrorMessage error={change.error} />
      <ContactTombstones redactions={details.contactRedactions} />
      {manage ? <ContactImportForm incidentKey={breach.incidentKey} /> : null}
      <h3>Submissions</h3>
      {details.submissions.length === 0 ? (
        <Empty>Nothing submitted yet.</Empty>
      ) : (
        <ul data-testid="breach-submissions">
          {details.submissions.map((s, i) => (
            <li key={i}>
              {s.regimeId}.{s.stageId} ({s.part}) to {s.recipient}, <Time value={s.submittedAt} />
              {s.reference ? `, ref ${s.reference}` : ''}
              {s.late ? ` — late: ${s.delayReasons}` : ''}
            </li>
          ))}
        </ul>
      )}
      {manage ? (
        <SubmissionForm
          incidentKey={breach.incidentKey}
          stages={stages}
          notices={details.notices}
        />
      ) : null}
    </>
  );
}
