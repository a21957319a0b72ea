// The panel assessment: the owner convenes the panel the policy describes, each member answers
// the policy's questions and votes with a rationale, and Stopline shows the recommendation and
// the tally. A member sees the others' answers only after voting, so they do not sway the vote.
import { useState, type FormEvent } from 'react';
import { useCan } from '../../session.tsx';
import {
  eligibleFor,
  votesHere,
  useIncidentChange,
  useStaff,
  waitingForReproduction,
  type SectionProps,
} from './incident-data.ts';
import { PersonSelect, Submit, TextArea, FormDetails } from './incident-parts.tsx';
import { DataTable } from '../../components/data-table.tsx';

const SEATS = { owner: 'Owner', responder: 'Responder', security_lead: 'Security lead' } as const;
const OUTCOMES = { critical: 'Critical', non_critical: 'Not critical' } as const;
const HOW: Record<string, string> = {
  majority: 'by majority',
  tie_rule: "by the policy's tie rule",
  security_lead_on_tie: "by the security lead's vote on a tie",
};

export function PanelSection(props: SectionProps) {
  const { detail, policy, rights } = props;
  const { incident, assessment } = detail;
  const { nameOf } = useStaff();
  const members = incident.panelMembers;
  const mine = members.find((m) => m.userId === rights.me);
  const myVote = incident.votes.find((v) => v.memberId === rights.me);
  const decided = incident.criticality !== null;
  // Members who have not voted yet see only how many have: the server seals the others' answers.
  const showVotes = !assessment.sealed;
  const lead = members.find((m) => m.seat === 'security_lead');
  const { tally } = assessment;

  return (
    <section aria-labelledby="panel" className="panel" data-testid="panel-section">
      <h2 id="panel">Is it critical? The panel decides</h2>
      <p className="help">{policy.panel.description}</p>
      {decided ? (
        <p className="decision" data-testid="decision" role="status">
          Decided: <strong>{OUTCOMES[incident.criticality!]}</strong>
          {tally.outcome === incident.criticality && tally.how ? ` ${HOW[tally.how] ?? ''}` : ''}.
        </p>
      ) : null}

      {members.length === 0 ? (
        <ConvenePanel {...props} />
      ) : (
        <>
          <h3>Members (round {incident.panelRound})</h3>
          <ul className="members">
            {members.map((m) => {
              const voted = incident.votes.find((v) => v.memberId === m.userId);
              return (
                <li key={m.userId}>
                  {nameOf(m.userId)} <span className="muted">· {SEATS[m.seat]}</span>{' '}
                  {voted ? (
                    <span className="badge ok">
                      <span aria-hidden="true">✓ </span>Voted
                      {showVotes && voted.vote ? `: ${OUTCOMES[voted.vote]}` : ''}
                    </span>
                  ) : (
                    <span className="badge">Not voted yet</span>
                  )}
                </li>
              );
            })}
          </ul>
          {mine && !myVote && !decided && rights.assess ? (
            votesHere(props) ? (
              <p>
                <a href="#your-vote">Your vote</a> is first on this page.
              </p>
            ) : (
              <VoteForm {...props} />
            )
          ) : null}
          {showVotes ? (
            <Results {...props} />
          ) : myVote ? (
            // This member's vote is in (its answer shown at once); the others' follow on reading.
            <p className="notice" data-testid="votes-hidden">
              Your vote is recorded: {incident.votes.length} of {members.length} members have voted.
            </p>
          ) : (
            <p className="notice" data-testid="votes-hidden">
              {incident.votes.length} of {members.length} members have voted. You will see their
              answers and votes once you have voted, so that they do not sway yours.
            </p>
          )}
          {lead &&
          lead.userId === rights.me &&
          policy.panel.securityLeadHasFinalSay &&
          rights.decide ? (
            <FinalCall {...props} waiting={tally.waitingFor === 'security_lead'} />
          ) : tally.waitingFor === 'security_lead' ? (
            <p className="notice">
              The votes are tied: waiting for the security lead (
              {lead ? nameOf(lead.userId) : 'not named'}).
            </p>
          ) : null}
          {decided && rights.decide ? <ReopenDecision {...props} /> : null}
        </>
      )}
    </section>
  );
}

function ConvenePanel({ detail, policy, rights }: SectionProps) {
  const { incident } = detail;
  const can = useCan();
  const { people } = useStaff();
  const change = useIncidentChange(incident);
  const [responders, setResponders] = useState<string[]>(() =>
    Array.from({ length: policy.panel.otherResponders }, () => ''),
  );
  const [leadId, setLeadId] = useState('');
  const mayConvene = rights.assess && (incident.ownerId === rights.me || can('incidents.decide'));
  if (policy.panel.includesOwner && !incident.ownerId)
    return (
      <p className="notice">Assign an owner first: the owner sits on the panel and convenes it.</p>
    );
  if (!mayConvene) return <p className="muted">The owner has not convened the panel yet.</p>;
  const others = people.filter((p) => p.id !== incident.ownerId);
  const responderSeats = eligibleFor(others, 'panel');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/panel', {
      responderIds: responders,
      securityLeadId: policy.panel.includesSecurityLead ? leadId : null,
    });
  };
  return (
    <form onSubmit={submit} aria-label="Convene the panel">
      <p>
        Pick the panel: {policy.panel.includesOwner ? 'you as the owner, ' : ''}
        {policy.panel.otherResponders} other responder(s)
        {policy.panel.includesSecurityLead ? ' and the security lead' : ''}. {policy.panel.quorum}{' '}
        votes decide.
      </p>
      {responders.map((value, n) => (
        <PersonSelect
          key={n}
          label={`Responder ${n + 1}`}
          people={responderSeats.filter((p) => !responders.includes(p.id) || p.id === value)}
          value={value}
          required
          onChange={(id) => setResponders(responders.map((r, i) => (i === n ? id : r)))}
        />
      ))}
      {policy.panel.includesSecurityLead ? (
        <PersonSelect
          label="Security lead"
          people={eligibleFor(others, 'security_lead')}
          value={leadId}
          required
          onChange={setLeadId}
        />
      ) : null}
      <Submit change={change} waiting={waitingForReproduction(incident, policy, 'panel')}>
        Convene the panel
      </Submit>
    </form>
  );
}

export function VoteForm({ detail, policy }: SectionProps) {
  const change = useIncidentChange(detail.incident);
  const criteria = policy.criticality.criteria;
  const [answers, setAnswers] = useState<Record<string, boolean>>({});
  const [vote, setVote] = useState<'critical' | 'non_critical' | ''>('');
  const [rationale, setRationale] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/votes', { answers, vote, rationale });
  };
  return (
    <form onSubmit={submit} aria-label="Your vote" className="vote-form">
      <h3>Your assessment</h3>
      <p className="help">{policy.criticality.description}</p>
      {criteria.map((c) => (
        <fieldset key={c.id} aria-describedby={c.description ? `help-${c.id}` : undefined}>
          <legend>{c.question}</legend>
          {c.description ? (
            <p className="help" id={`help-${c.id}`}>
              {c.description}
            </p>
          ) : null}
          <div className="choices">
            {([true, false] as const).map((yes) => (
              <label key={String(yes)} className="choice">
                <input
                  type="radio"
                  name={`answer-${c.id}`}
                  required
                  checked={answers[c.id] === yes}
                  onChange={() => setAnswers({ ...answers, [c.id]: yes })}
                />
                {yes ? 'Yes' : 'No'}
              </label>
            ))}
          </div>
          <p className="muted small">
            A yes points to {c.yesPointsTo === 'critical' ? 'critical' : 'not critical'}.
          </p>
        </fieldset>
      ))}
      <OutcomeChoice legend="Your vote" name="vote" value={vote} onChange={setVote} />
      <TextArea
        label="Why (your rationale)"
        help="It stays on the record with your vote."
        required
        value={rationale}
        onChange={setRationale}
      />
      <Submit change={change} waiting={waitingForReproduction(detail.incident, policy, 'vote')}>
        Cast my vote
      </Submit>
    </form>
  );
}

function Results({ detail, policy }: SectionProps) {
  const { incident, assessment } = detail;
  const { nameOf } = useStaff();
  const { tally } = assessment;
  return (
    <div data-testid="panel-results">
      <h3>Recommendation from the answers</h3>
      <p data-testid="recommendation">
        {assessment.recommendation ? (
          <strong>{OUTCOMES[assessment.recommendation]}</strong>
        ) : (
          'None yet: nobody has answered.'
        )}{' '}
        <span className="muted">
          (
          {policy.criticality.recommendation === 'any_critical'
            ? 'a majority yes to any question pointing to critical makes it critical'
            : 'more questions answered yes point to critical than to not critical'}
          )
        </span>
      </p>
      <DataTable
        caption="Answers per question"
        hideCaption
        columns={['Question', 'Yes', 'No', 'Majority']}
      >
        {assessment.answers.map((a) => (
          <tr key={a.criterionId}>
            <td>{a.question}</td>
            <td>{a.yes}</td>
            <td>{a.no}</td>
            <td>
              {a.majority === null
                ? '—'
                : a.majority === 'split'
                  ? 'Split'
                  : a.majority === 'yes'
                    ? 'Yes'
                    : 'No'}
            </td>
          </tr>
        ))}
      </DataTable>
      <h3>Votes</h3>
      <p data-testid="tally">
        Critical {tally.critical} · Not critical {tally.nonCritical} · {incident.votes.length} of{' '}
        {tally.quorum} needed{tally.quorumReached ? ' (quorum reached)' : ''}
      </p>
      <ul className="votes">
        {incident.votes.map((v) => (
          <li key={v.memberId}>
            <strong>{nameOf(v.memberId)}</strong> ({SEATS[v.seat]}):{' '}
            {v.vote ? OUTCOMES[v.vote] : 'sealed'} — <span className="quoted">{v.rationale}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function FinalCall({ detail, policy, waiting }: SectionProps & { waiting: boolean }) {
  const change = useIncidentChange(detail.incident);
  const [outcome, setOutcome] = useState<'critical' | 'non_critical'>('critical');
  const [rationale, setRationale] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/final-call', { outcome, rationale });
  };
  return (
    <details className="final-call" open={waiting}>
      <summary>
        {waiting ? 'The votes are tied: make the final call' : 'Make the final call'}
      </summary>
      <form onSubmit={submit} aria-label="The security lead's final call">
        <p className="help">The policy gives the security lead the final say on this panel.</p>
        <OutcomeChoice
          legend="Outcome"
          name="final-outcome"
          value={outcome}
          onChange={setOutcome}
        />
        <TextArea label="Rationale" required value={rationale} onChange={setRationale} />
        <Submit change={change} waiting={waitingForReproduction(detail.incident, policy, 'vote')}>
          Record the final call
        </Submit>
      </form>
    </details>
  );
}

function ReopenDecision({ detail }: SectionProps) {
  const change = useIncidentChange(detail.incident);
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/decision/reopen', { reason }).then((ok) => ok && setReason(''));
  };
  return (
    <FormDetails
      summary="Reopen the decision (new facts)"
      label="Reopen the decision"
      onSubmit={submit}
    >
      <TextArea
        label="What changed"
        help="A new round starts with the same panel; earlier votes stay on the record."
        required
        value={reason}
        onChange={setReason}
      />
      <Submit change={change} secondary>
        Reopen the decision
      </Submit>
    </FormDetails>
  );
}

type Outcome = keyof typeof OUTCOMES;

function OutcomeChoice({
  legend,
  name,
  value,
  onChange,
}: {
  legend: string;
  name: string;
  value: Outcome | '';
  onChange: (value: Outcome) => void;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="choices">
        {(Object.keys(OUTCOMES) as Outcome[]).map((v) => (
          <label key={v} className="choice">
            <input
              type="radio"
              name={name}
              required
              checked={value === v}
              onChange={() => onChange(v)}
            />
            {OUTCOMES[v]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
