// The incident's post-mortem on its page, the whole of it in the browser (docs/learning.md): where
// it stands, its review (owner, reviewers, approvals, send to review, approve or request changes,
// skip), its sections written one by one (postmortem-writing.tsx), the durations measured from the
// record (to acknowledge, contain, resolve), its timeline drawn from the record, where those who
// write it mark what mattered and add what the record does not hold, its follow-ups, and the
// final reports.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type RefObject } from 'react';
import { request } from '../../api.ts';
import { keys } from '../../queries.ts';
import { Empty, ErrorMessage, Time } from '../../components/common.tsx';
import { formatDuration, formatTime, localToRfc3339 } from '../../format.ts';
import { useCan } from '../../session.tsx';
import type { PolicyResponse } from '../../../shared/api/policy.ts';
import { useStaff, type SectionProps } from './incident-data.ts';
import {
  ChangeFeedback,
  FormDetails,
  Submit,
  TextArea,
  TextInput,
  useFocusAfter,
} from './incident-parts.tsx';
import { PostmortemFollowUps } from './postmortem-follow-ups.tsx';
import { PostmortemReview, SkipForm } from './postmortem-review.tsx';
import { PostmortemSections } from './postmortem-writing.tsx';
import {
  usePostmortem,
  usePostmortemChange,
  usePostmortemTimeline,
  type PostmortemJson,
  type TimelineJson,
} from './postmortem-data.ts';

const STATUS_WORDS = {
  draft: 'In draft',
  in_review: 'In review',
  approved: 'Approved',
  skipped: 'Skipped',
} as const;

export function PostmortemSection({ detail, policy }: SectionProps) {
  const { key } = detail.incident;
  const can = useCan();
  const postmortem = usePostmortem(key);
  const start = usePostmortemChange(key, null);
  const [statusRef, focusStatus] = useFocusAfter<HTMLParagraphElement>();
  return (
    <section aria-labelledby="postmortem-heading" className="panel" data-testid="postmortem">
      <h2 id="postmortem-heading">Post-mortem</h2>
      {postmortem.isPending ? (
        <p className="loading">Loading the post-mortem…</p>
      ) : postmortem.error ? (
        <ErrorMessage error={postmortem.error} />
      ) : postmortem.data ? (
        <PostmortemBody
          incidentKey={key}
          postmortem={postmortem.data}
          policy={policy}
          statusRef={statusRef}
          focusStatus={focusStatus}
        />
      ) : (
        <>
          <Empty>No post-mortem has been started.</Empty>
          {can('learning.write') ? (
            <>
              <ChangeFeedback change={start} />
              <button
                type="button"
                disabled={start.pending}
                onClick={() => void start.run('').then((ok) => ok && focusStatus())}
              >
                Start the post-mortem
              </button>
            </>
          ) : null}
          {can('learning.approve') ? (
            <SkipForm
              incidentKey={key}
              policy={policy}
              requiredBecause={null}
              onDone={focusStatus}
            />
          ) : null}
        </>
      )}
      <FinalReports incidentKey={key} milestones={detail.incident.milestones} />
    </section>
  );
}

function PostmortemBody({
  incidentKey,
  postmortem,
  policy,
  statusRef,
  focusStatus,
}: {
  incidentKey: string;
  postmortem: PostmortemJson;
  policy: PolicyResponse;
  statusRef: RefObject<HTMLParagraphElement | null>;
  focusStatus: () => void;
}) {
  const can = useCan();
  const timeline = usePostmortemTimeline(incidentKey, true);
  const editable = postmortem.status === 'draft' && can('learning.write');
  return (
    <>
      <p data-testid="postmortem-status" ref={statusRef} tabIndex={-1}>
        <span className="badge">{STATUS_WORDS[postmortem.status]}</span>
        {postmortem.requiredBecause.length > 0
          ? ` Required by the policy: ${postmortem.requiredBecause.join('; ')}.`
          : ' Not required by the policy.'}
      </p>
      <PostmortemReview
        incidentKey={incidentKey}
        postmortem={postmortem}
        policy={policy}
        onDone={focusStatus}
      />
      <PostmortemSections incidentKey={incidentKey} postmortem={postmortem} editable={editable} />
      {timeline.isPending ? (
        <p className="loading">Loading the timeline…</p>
      ) : timeline.error || !timeline.data ? (
        <ErrorMessage error={timeline.error} />
      ) : (
        <>
          <Durations durations={timeline.data.durations} />
          <Proposals proposals={timeline.data.proposedFollowUps} />
          <PostmortemTimelineList
            incidentKey={incidentKey}
            timeline={timeline.data}
            editable={editable}
          />
        </>
      )}
      <PostmortemFollowUps incidentKey={incidentKey} postmortem={postmortem} />
    </>
  );
}

export function Durations({ durations }: { durations: TimelineJson['durations'] }) {
  if (!durations) return null;
  const spans = [
    ['Time to acknowledge', durations.toAcknowledge],
    ['Time to contain', durations.toContain],
    ['Time to resolve', durations.toResolve],
  ] as const;
  return (
    <>
      <h3>Measured from the record</h3>
      <p className="help">
        From {durations.startedFrom === 'detected' ? 'detection' : 'declaration'},{' '}
        <Time value={durations.startedAt} />.
      </p>
      <dl className="facts" data-testid="postmortem-durations">
        {spans.map(([label, span]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{span ? formatDuration(span.ms) : 'Not yet'}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

function PostmortemTimelineList({
  incidentKey,
  timeline,
  editable,
}: {
  incidentKey: string;
  timeline: TimelineJson;
  editable: boolean;
}) {
  const { nameOf } = useStaff();
  const change = usePostmortemChange(incidentKey, timeline.version);
  const [onlyImportant, setOnlyImportant] = useState(false);
  const [at, setAt] = useState('');
  const [text, setText] = useState('');
  const [important, setImportant] = useState(true);
  const items = timeline.items.filter((i) => !onlyImportant || i.important);
  const addEntry = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/timeline/entries', { at: localToRfc3339(at), text, important }).then((ok) => {
      if (ok) {
        setAt('');
        setText('');
      }
    });
  };
  return (
    <>
      <h3>Timeline</h3>
      <p className="help">
        Drawn from the incident&apos;s record: decisions, phase moves, notices, deadlines met and
        breached, containment and the line.
      </p>
      <label className="choice">
        <input
          type="checkbox"
          checked={onlyImportant}
          onChange={(e) => setOnlyImportant(e.target.checked)}
        />
        Only what is marked important
      </label>
      <ChangeFeedback change={change} />
      {items.length === 0 ? (
        <Empty>Nothing on the timeline{onlyImportant ? ' is marked important' : ''}.</Empty>
      ) : (
        <ol className="timeline" data-testid="postmortem-timeline">
          {items.map((item) => {
            const id = item.seq !== null ? `seq-${item.seq}` : `entry-${item.entryId}`;
            return (
              <li key={id} className={item.important ? 'important' : undefined}>
                <time dateTime={item.at}>{formatTime(item.at)}</time>{' '}
                <span className="muted">
                  {item.source === 'entry'
                    ? `Added by ${nameOf(item.actorId)}`
                    : item.actorId
                      ? nameOf(item.actorId)
                      : 'Stopline'}
                </span>
                {item.important ? <span className="badge">Important</span> : null}
                <p className="untrusted">{item.summary}</p>
                {item.note ? <p className="untrusted">Note: {item.note}</p> : null}
                {editable && item.seq !== null ? (
                  <label className="choice">
                    <input
                      type="checkbox"
                      checked={item.important}
                      disabled={change.pending}
                      onChange={(e) =>
                        void change.run(
                          `/timeline/events/${item.seq}`,
                          { important: e.target.checked, note: item.note },
                          'PUT',
                        )
                      }
                    />
                    Important
                    <span className="visually-hidden">: {item.summary}</span>
                  </label>
                ) : null}
                {editable && item.entryId !== null ? (
                  <button
                    type="button"
                    className="secondary"
                    disabled={change.pending}
                    onClick={() =>
                      void change.run(`/timeline/entries/${item.entryId}`, {}, 'DELETE')
                    }
                  >
                    Remove entry<span className="visually-hidden">: {item.summary}</span>
                  </button>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
      {editable ? (
        <FormDetails
          summary="Add an entry the record does not hold"
          label="Add a timeline entry"
          onSubmit={addEntry}
        >
          <TextInput
            label="When it happened"
            type="datetime-local"
            required
            value={at}
            onChange={setAt}
          />
          <TextArea
            label="What happened"
            help="A call, a discovery, a message outside Stopline. Markdown."
            required
            value={text}
            onChange={setText}
          />
          <label className="choice">
            <input
              type="checkbox"
              checked={important}
              onChange={(e) => setImportant(e.target.checked)}
            />
            Important
          </label>
          <Submit change={change}>Add entry</Submit>
        </FormDetails>
      ) : null}
    </>
  );
}

const REPORT_FILES = [
  ['internal.md', 'Internal report (Markdown)'],
  ['internal.pdf', 'Internal report (PDF)'],
  ['external.md', 'External report (Markdown)'],
  ['external.pdf', 'External report (PDF)'],
] as const;

/** The final reports' downloads, and publishing the external one (its clock is then met). */
function FinalReports({
  incidentKey,
  milestones,
}: {
  incidentKey: string;
  milestones: readonly string[];
}) {
  const can = useCan();
  const queryClient = useQueryClient();
  const publish = useMutation({
    mutationFn: () =>
      request(`/incidents/${encodeURIComponent(incidentKey)}/final-reports/external/publish`, {
        method: 'POST',
        body: {},
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.incident(incidentKey) }),
  });
  const published = milestones.includes('final_report_step_recorded');
  const base = `/api/v1/incidents/${encodeURIComponent(incidentKey)}/final-reports`;
  return (
    <>
      <h3>Final reports</h3>
      <p className="help">
        Written from the incident, its post-mortem and its record. The external one holds only what
        was published and the sections the policy lists for customers and the public.
      </p>
      <ul className="downloads" data-testid="final-reports">
        {REPORT_FILES.map(([file, label]) => (
          <li key={file}>
            <a href={`${base}/${file}`} download>
              {label}
            </a>
          </li>
        ))}
      </ul>
      {published ? (
        <p data-testid="final-report-published">The final report step is recorded.</p>
      ) : can('learning.approve') ? (
        <>
          {publish.error ? <ErrorMessage error={publish.error} /> : null}
          <button type="button" disabled={publish.isPending} onClick={() => publish.mutate()}>
            Publish the external report
          </button>
        </>
      ) : null}
      {can('learning.approve') && can('status.publish') ? (
        <PostOnStatusPage incidentKey={incidentKey} />
      ) : null}
    </>
  );
}

/**
 * Posts the external report on the status page as the post-incident report of the public incident
 * that speaks for this one, through the page's publish gate: published at once, or a draft for a
 * second person when the policy asks for four eyes.
 */
function PostOnStatusPage({ incidentKey }: { incidentKey: string }) {
  const queryClient = useQueryClient();
  const post = useMutation({
    mutationFn: () =>
      request<{ published: boolean }>(
        `/incidents/${encodeURIComponent(incidentKey)}/final-reports/external/status-page`,
        { method: 'POST', body: {} },
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.incident(incidentKey) }),
  });
  return (
    <>
      {post.error ? <ErrorMessage error={post.error} /> : null}
      <button
        type="button"
        className="secondary"
        disabled={post.isPending}
        onClick={() => post.mutate()}
      >
        Post the external report on the status page
      </button>
      {post.data ? (
        <p role="status" data-testid="final-report-posted">
          {post.data.published
            ? 'Posted on the status page as the post-incident report.'
            : 'Saved as a status page draft: a second person must approve it.'}
        </p>
      ) : null}
    </>
  );
}

/** What the record proposes as follow-ups: breached deadlines, departures from the policy. */
function Proposals({ proposals }: { proposals: TimelineJson['proposedFollowUps'] }) {
  if (proposals.length === 0) return null;
  return (
    <>
      <h3>Follow-ups the record proposes</h3>
      <ul data-testid="proposed-follow-ups">
        {proposals.map((p) => (
          <li key={p.proposalId}>
            <strong>{p.title}</strong> <span className="muted">({p.because})</span>
          </li>
        ))}
      </ul>
    </>
  );
}
