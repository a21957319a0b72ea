// The post-mortem's review on the incident page (issue 14, item 8): who answers for it, who sent
// it to review, the approvals so far and the reviewers named; sending it to review (waiting, in
// words, for the required sections), approving or sending it back with what should change, naming
// reviewers and skipping it with a reason where the policy allows. A refusal shows the server's
// reason (the policy's rule that the author may not approve, say); after a step, focus moves to
// the post-mortem's status (docs/console.md).
import { useState, type FormEvent } from 'react';
import type { PolicyResponse } from '../../../shared/api/policy.ts';
import { Time } from '../../components/common.tsx';
import { useCan } from '../../session.tsx';
import { useStaff } from './incident-data.ts';
import { ChangeFeedback, FormDetails, PersonSelect, Submit, TextArea } from './incident-parts.tsx';
import { usePostmortemChange, type PostmortemJson } from './postmortem-data.ts';

type Change = ReturnType<typeof usePostmortemChange>;

export function PostmortemReview({
  incidentKey,
  postmortem,
  policy,
  onDone,
}: {
  incidentKey: string;
  postmortem: PostmortemJson;
  policy: PolicyResponse;
  /** Called once a step is taken: focus moves to the post-mortem's status. */
  onDone: () => void;
}) {
  const can = useCan();
  const { nameOf } = useStaff();
  const change = usePostmortemChange(incidentKey, postmortem.version);
  const open = postmortem.status === 'draft' || postmortem.status === 'in_review';
  const step = (to: string, body: Record<string, unknown> = {}) =>
    void change.run(to, body).then((ok) => ok && onDone());
  const missing = postmortem.sections
    .filter((s) => postmortem.unansweredSections.includes(s.id))
    .map((s) => `"${s.title}"`);
  return (
    <>
      <h3>Review</h3>
      <dl className="facts" data-testid="postmortem-review">
        <div>
          <dt>Owner</dt>
          <dd>{nameOf(postmortem.ownerId)}</dd>
        </div>
        {postmortem.submittedAt ? (
          <div>
            <dt>Sent to review</dt>
            <dd>
              by {nameOf(postmortem.submittedBy)}, <Time value={postmortem.submittedAt} />
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Approvals</dt>
          <dd>
            {postmortem.status === 'approved'
              ? `Approved by ${nameOf(postmortem.approvedBy)}`
              : `${postmortem.approvals.length} of ${postmortem.approvalsRequired}`}
            {postmortem.status !== 'approved' && postmortem.approvals.length > 0
              ? ` (${postmortem.approvals.map((a) => nameOf(a.userId)).join(', ')})`
              : ''}
            {postmortem.approvedAt ? (
              <>
                , <Time value={postmortem.approvedAt} />
              </>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Reviewers</dt>
          <dd>
            {postmortem.reviewerIds.length > 0
              ? postmortem.reviewerIds.map((id) => nameOf(id)).join(', ')
              : 'None named: anyone who may approve post-mortems'}
          </dd>
        </div>
        {postmortem.status === 'draft' && postmortem.changesRequested ? (
          <div>
            <dt>Changes requested</dt>
            <dd data-testid="changes-requested">
              by {nameOf(postmortem.changesRequested.by)},{' '}
              <Time value={postmortem.changesRequested.at} />:{' '}
              <span className="untrusted">{postmortem.changesRequested.reason}</span>
            </dd>
          </div>
        ) : null}
        {postmortem.status === 'skipped' ? (
          <div>
            <dt>Skipped</dt>
            <dd>
              by {nameOf(postmortem.skippedBy)}, <Time value={postmortem.skippedAt} />:{' '}
              <span className="untrusted">{postmortem.skipReason}</span>
            </dd>
          </div>
        ) : null}
      </dl>
      {!postmortem.authorMayApprove && open ? (
        <p className="help">
          The policy asks someone other than whoever sends it to review to approve it.
        </p>
      ) : null}
      <ChangeFeedback change={change} />
      <div className="buttons">
        {postmortem.status === 'draft' && can('learning.write') ? (
          <SendToReview change={change} missing={missing} onSend={() => step('/submit')} />
        ) : null}
        {postmortem.status === 'in_review' && can('learning.approve') ? (
          <button type="button" disabled={change.pending} onClick={() => step('/approve')}>
            Approve the post-mortem
          </button>
        ) : null}
      </div>
      {postmortem.status === 'in_review' && can('learning.approve') ? (
        <RequestChanges incidentKey={incidentKey} postmortem={postmortem} onDone={onDone} />
      ) : null}
      {open && can('learning.write') ? (
        <OwnerForm incidentKey={incidentKey} postmortem={postmortem} onDone={onDone} />
      ) : null}
      {open && can('learning.write') ? (
        <ReviewersForm incidentKey={incidentKey} postmortem={postmortem} onDone={onDone} />
      ) : null}
      {open && can('learning.approve') ? (
        <SkipForm
          incidentKey={incidentKey}
          policy={policy}
          requiredBecause={postmortem.requiredBecause}
          onDone={onDone}
        />
      ) : null}
    </>
  );
}

function SendToReview({
  change,
  missing,
  onSend,
}: {
  change: Change;
  missing: string[];
  onSend: () => void;
}) {
  const waiting =
    missing.length > 0 ? `Answer the required sections first: ${missing.join(', ')}.` : null;
  return (
    <>
      {waiting ? (
        <p className="notice" id="postmortem-waiting" data-testid="waiting-reason">
          {waiting}
        </p>
      ) : null}
      <button
        type="button"
        disabled={change.pending || waiting !== null}
        aria-describedby={waiting ? 'postmortem-waiting' : undefined}
        onClick={onSend}
      >
        Send to review
      </button>
    </>
  );
}

/** What a form of the review is given: each has its own change, so a refusal shows once. */
interface FormProps {
  incidentKey: string;
  postmortem: PostmortemJson;
  onDone: () => void;
}

function RequestChanges({ incidentKey, postmortem, onDone }: FormProps) {
  return (
    <ReasonStep
      incidentKey={incidentKey}
      version={postmortem.version}
      to="/request-changes"
      title="Request changes"
      label="What should change"
      help="Sends it back to draft; the approvals so far start again."
      button="Send it back to draft"
      onDone={onDone}
    />
  );
}

/** A step taken with a reason (requesting changes, skipping): a folded form, its own change. */
function ReasonStep({
  incidentKey,
  version,
  to,
  title,
  label,
  help,
  button,
  onDone,
}: {
  incidentKey: string;
  version: number | null;
  to: string;
  title: string;
  label: string;
  help: string;
  button: string;
  onDone: () => void;
}) {
  const change = usePostmortemChange(incidentKey, version);
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run(to, { reason }).then((ok) => ok && onDone());
  };
  return (
    <FormDetails summary={title} label={title} onSubmit={submit}>
      <TextArea label={label} help={help} required value={reason} onChange={setReason} />
      <Submit change={change} secondary>
        {button}
      </Submit>
    </FormDetails>
  );
}

function OwnerForm({ incidentKey, postmortem, onDone }: FormProps) {
  const change = usePostmortemChange(incidentKey, postmortem.version);
  const { people } = useStaff();
  const [ownerId, setOwnerId] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/owner', { ownerId }, 'PUT').then((ok) => ok && onDone());
  };
  return (
    <FormDetails
      summary="Change the owner"
      label="Change the post-mortem's owner"
      onSubmit={submit}
    >
      <p className="help">The owner answers for it and is reminded by its draft&apos;s clock.</p>
      <PersonSelect
        label="Owner"
        people={people.filter((p) => p.id !== postmortem.ownerId)}
        value={ownerId}
        onChange={setOwnerId}
        required
      />
      <Submit change={change} secondary>
        Make them the owner
      </Submit>
    </FormDetails>
  );
}

function ReviewersForm({ incidentKey, postmortem, onDone }: FormProps) {
  const change = usePostmortemChange(incidentKey, postmortem.version);
  const { people } = useStaff();
  const [chosen, setChosen] = useState<string[]>(postmortem.reviewerIds);
  // Whoever sent it to review cannot review it when the policy forbids approving one's own.
  const eligible = people.filter(
    (p) => postmortem.authorMayApprove || p.id !== postmortem.submittedBy,
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/reviewers', { reviewerIds: chosen }, 'PUT').then((ok) => ok && onDone());
  };
  return (
    <FormDetails summary="Name the reviewers" label="Name the reviewers" onSubmit={submit}>
      <fieldset>
        <legend>
          Reviewers (at least {postmortem.approvalsRequired}; once named, only they approve)
        </legend>
        {eligible.map((p) => (
          <label key={p.id} className="inline">
            <input
              type="checkbox"
              checked={chosen.includes(p.id)}
              onChange={(e) =>
                setChosen(e.target.checked ? [...chosen, p.id] : chosen.filter((id) => id !== p.id))
              }
            />{' '}
            {p.displayName}
            {p.awayUntil ? ' (away)' : ''}
          </label>
        ))}
      </fieldset>
      <Submit change={change} secondary>
        Save the reviewers
      </Submit>
    </FormDetails>
  );
}

/**
 * Skipping with a reason, offered where the policy may allow it: `never` hides it; while the
 * policy requires the post-mortem, `when_not_required` does too. The server decides (and says why).
 */
export function SkipForm({
  incidentKey,
  policy,
  requiredBecause,
  onDone,
}: {
  incidentKey: string;
  policy: PolicyResponse;
  /** Null: not known yet (no post-mortem started). */
  requiredBecause: string[] | null;
  onDone: () => void;
}) {
  const rule = policy.learning.postmortem.mayBeSkipped;
  if (rule === 'never') return null;
  if (rule === 'when_not_required' && requiredBecause !== null && requiredBecause.length > 0)
    return null;
  return (
    <ReasonStep
      incidentKey={incidentKey}
      // Skipping takes no version: it is final, and may start the record.
      version={null}
      to="/skip"
      title="Skip the post-mortem"
      label="Why no post-mortem is held"
      help="Recorded with the incident; skipping is final."
      button="Skip it"
      onDone={onDone}
    />
  );
}
