// The post-mortem's follow-ups on the incident page (issue 14, item 8): each with its owner, due
// date (overdue in words), priority, type, status and tracker issue, the title as text; and the
// form that adds one (an owner among the active staff, a due date in the future, priority, type,
// the policy section a process change proposes, a tracker link), and a status change (done, not
// doing with the reason, open again). Focus moves to the list once one is added. The Follow-ups
// page lists them across incidents; owner and due date are not changed here.
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { consolePath } from '../../../shared/domain/console-paths.ts';
import {
  FOLLOW_UP_PRIORITIES,
  FOLLOW_UP_STATUSES,
  FOLLOW_UP_TYPES,
  POLICY_SECTIONS,
} from '../../../shared/domain/learning.ts';
import { Empty, Time } from '../../components/common.tsx';
import { FollowUpTracker } from '../../components/tracker-issue.tsx';
import { humanize, localToRfc3339 } from '../../format.ts';
import { useCan } from '../../session.tsx';
import { useStaff } from './incident-data.ts';
import {
  FormDetails,
  KindSelect,
  PersonSelect,
  Submit,
  TextArea,
  TextInput,
  useFocusAfter,
} from './incident-parts.tsx';
import { usePostmortemChange, type PostmortemJson } from './postmortem-data.ts';

type FollowUp = PostmortemJson['followUps'][number];
const STATUS_WORDS = { open: 'Open', done: 'Done', not_doing: 'Not doing' } as const;

export function PostmortemFollowUps({
  incidentKey,
  postmortem,
}: {
  incidentKey: string;
  postmortem: PostmortemJson;
}) {
  const can = useCan();
  const { nameOf } = useStaff();
  const [headingRef, focusHeading] = useFocusAfter<HTMLHeadingElement>();
  const { followUps } = postmortem;
  return (
    <>
      <h3 ref={headingRef} tabIndex={-1} id="postmortem-follow-ups-heading">
        Follow-ups ({followUps.length})
      </h3>
      {followUps.length === 0 ? (
        <Empty>No follow-ups yet.</Empty>
      ) : (
        <ul className="follow-up-list" data-testid="postmortem-follow-ups">
          {followUps.map((f) => (
            <FollowUpItem
              key={f.id}
              followUp={f}
              ownerName={nameOf(f.ownerId)}
              status={
                can('learning.write') ? (
                  <FollowUpStatus
                    incidentKey={incidentKey}
                    version={postmortem.version}
                    followUp={f}
                  />
                ) : null
              }
            />
          ))}
        </ul>
      )}
      <p className="help">
        <Link to={consolePath.followUps()}>All follow-ups</Link> across the incidents you may see.
      </p>
      {can('learning.write') && postmortem.status !== 'skipped' ? (
        <AddFollowUp
          incidentKey={incidentKey}
          version={postmortem.version}
          onAdded={focusHeading}
        />
      ) : null}
    </>
  );
}

function FollowUpItem({
  followUp: f,
  ownerName,
  status,
}: {
  followUp: FollowUp;
  ownerName: string;
  /** The form that changes its status, for those who write post-mortems. */
  status: ReactNode;
}) {
  return (
    <li data-testid={`follow-up-${f.id}`}>
      <strong>{f.title}</strong>
      <br />
      <span className="badge">{STATUS_WORDS[f.status]}</span>{' '}
      {f.overdue ? <span className="badge warn">Overdue</span> : null} {humanize(f.type)},{' '}
      {f.priority} priority; owner {ownerName}; due <Time value={f.dueAt} />
      {f.policySection ? `; proposes a change to the policy's ${f.policySection}` : ''}
      {f.status === 'not_doing' && f.reason ? (
        <>
          ; not doing because: <span>{f.reason}</span>
        </>
      ) : null}
      {f.trackerUrl || f.tracker ? (
        <>
          ; tracker: <FollowUpTracker trackerUrl={f.trackerUrl} tracker={f.tracker} />
        </>
      ) : null}
      {f.doneProposed ? (
        <p className="hint">The tracker closed its issue: done is proposed.</p>
      ) : null}
      {status}
    </li>
  );
}

/** Done, not doing (with the reason why) or open again; focus stays on the list item's form. */
function FollowUpStatus({
  incidentKey,
  version,
  followUp,
}: {
  incidentKey: string;
  version: number;
  followUp: FollowUp;
}) {
  const change = usePostmortemChange(incidentKey, version);
  const choices = FOLLOW_UP_STATUSES.filter((s) => s !== followUp.status);
  const [chosen, setStatus] = useState<string>('');
  // What it may move to changes with its status: the first choice until one is picked.
  const status = choices.some((s) => s === chosen) ? chosen : choices[0]!;
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const to = { status, reason: status === 'not_doing' ? reason : null };
    void change
      .run(`/follow-ups/${encodeURIComponent(followUp.id)}/status`, to, 'PUT')
      .then((ok) => ok && setReason(''));
  };
  return (
    <details className="inline-action">
      <summary>
        Change the status<span className="visually-hidden">: {followUp.title}</span>
      </summary>
      <form onSubmit={submit} aria-label={`Change the status: ${followUp.title}`}>
        <KindSelect
          label="Status"
          kinds={choices}
          nameOf={(s) => STATUS_WORDS[s as FollowUp['status']]}
          value={status}
          onChange={setStatus}
        />
        {status === 'not_doing' ? (
          <TextArea label="Why it will not be done" required value={reason} onChange={setReason} />
        ) : null}
        <Submit change={change} secondary>
          Save the status
        </Submit>
      </form>
    </details>
  );
}

function AddFollowUp({
  incidentKey,
  version,
  onAdded,
}: {
  incidentKey: string;
  version: number;
  onAdded: () => void;
}) {
  const { people } = useStaff();
  const change = usePostmortemChange(incidentKey, version);
  const [title, setTitle] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [due, setDue] = useState('');
  const [priority, setPriority] = useState<string>('medium');
  const [type, setType] = useState<string>('prevent');
  const [policySection, setPolicySection] = useState('');
  const [trackerUrl, setTrackerUrl] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change
      .run('/follow-ups', {
        title,
        ownerId,
        dueAt: localToRfc3339(due),
        priority,
        type,
        policySection: type === 'process' && policySection ? policySection : null,
        trackerUrl: trackerUrl.trim() || null,
      })
      .then((ok) => {
        if (!ok) return;
        setTitle('');
        setOwnerId('');
        setDue('');
        setPolicySection('');
        setTrackerUrl('');
        onAdded();
      });
  };
  return (
    <FormDetails summary="Add a follow-up" label="Add a follow-up" onSubmit={submit}>
      <TextInput
        label="What will be done"
        required
        maxLength={500}
        value={title}
        onChange={setTitle}
      />
      <PersonSelect label="Owner" people={people} value={ownerId} onChange={setOwnerId} required />
      <TextInput
        label="Due"
        help="In the future; its owner is reminded and it escalates when overdue."
        type="datetime-local"
        required
        value={due}
        onChange={setDue}
      />
      <KindSelect
        label="Priority"
        kinds={FOLLOW_UP_PRIORITIES}
        value={priority}
        onChange={setPriority}
      />
      <KindSelect label="Type" kinds={FOLLOW_UP_TYPES} value={type} onChange={setType} />
      {type === 'process' ? (
        <KindSelect
          label="The policy section it proposes to change"
          kinds={['', ...POLICY_SECTIONS]}
          nameOf={(s) => (s === '' ? 'None' : s)}
          value={policySection}
          onChange={setPolicySection}
        />
      ) : null}
      <TextInput
        label="Tracker issue (optional)"
        help="An http(s) link to the issue in an outside tracker."
        type="url"
        value={trackerUrl}
        onChange={setTrackerUrl}
      />
      <Submit change={change}>Add the follow-up</Submit>
    </FormDetails>
  );
}
