// Containment actions: what was limited to stop the damage. Each must end reverted, or kept with
// a justification, before the incident can close.
import { useState, type FormEvent } from 'react';
import { Empty, Time } from '../../components/common.tsx';
import { humanize } from '../../format.ts';
import { useIncidentChange, type Incident, type SectionProps } from './incident-data.ts';
import {
  ChangeFeedback,
  Submit,
  TextArea,
  TextInput,
  KindSelect,
  FormDetails,
} from './incident-parts.tsx';

const CONTAINMENT_STATUS = {
  active: 'Active: still limiting',
  reverted: 'Reverted',
  kept: 'Kept, justified',
} as const;

export function ContainmentSection({ detail, policy, rights }: SectionProps) {
  const { incident } = detail;
  const change = useIncidentChange(incident);
  // The policy's kinds of containment action, with the names it gives them.
  const kinds = policy.containment.kinds;
  const nameOf = (id: string) => kinds.find((k) => k.id === id)?.name ?? humanize(id);
  const [kind, setKind] = useState<string>(kinds[0]?.id ?? '');
  const [description, setDescription] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/containment', { kind, description }).then((ok) => ok && setDescription(''));
  };
  return (
    <section aria-labelledby="containment-heading" className="panel">
      <h2 id="containment-heading">Containment</h2>
      <p className="help">
        What was limited to stop the damage. Each action must be reverted, or kept with a
        justification, before the incident can close.
      </p>
      {incident.containment.length === 0 ? (
        <Empty>No containment actions recorded.</Empty>
      ) : (
        <ul className="cards" data-testid="containment">
          {incident.containment.map((a) => (
            <ContainmentCard
              key={a.id}
              action={a}
              kindName={nameOf(a.kind)}
              incident={incident}
              editable={rights.update}
            />
          ))}
        </ul>
      )}
      {rights.update ? (
        <FormDetails
          summary="Record a containment action"
          label="Record a containment action"
          onSubmit={submit}
        >
          <KindSelect
            label="What was limited"
            kinds={kinds.map((k) => k.id)}
            nameOf={nameOf}
            value={kind}
            onChange={setKind}
          />
          <TextArea label="Description" required value={description} onChange={setDescription} />
          <Submit change={change}>Record action</Submit>
        </FormDetails>
      ) : null}
    </section>
  );
}

function ContainmentCard({
  action,
  kindName,
  incident,
  editable,
}: {
  action: Incident['containment'][number];
  kindName: string;
  incident: Incident;
  editable: boolean;
}) {
  const change = useIncidentChange(incident);
  const [note, setNote] = useState('');
  const [justification, setJustification] = useState('');
  const to = `/containment/${encodeURIComponent(action.id)}`;
  return (
    <li className="card">
      <strong>{kindName}</strong>
      <p className="untrusted">{action.description}</p>
      <div className="meta">
        <span className={`badge ${action.status === 'active' ? 'warn' : 'ok'}`}>
          {CONTAINMENT_STATUS[action.status]}
        </span>
        <span>
          Recorded <Time value={action.recordedAt} />
        </span>
        {action.endedAt ? (
          <span>
            Ended <Time value={action.endedAt} />
          </span>
        ) : null}
      </div>
      {action.justification ? <p>Why it stays: {action.justification}</p> : null}
      {editable && action.status === 'active' ? (
        <div className="containment-actions">
          <form
            aria-label={`Revert: ${action.description}`}
            onSubmit={(e) => {
              e.preventDefault();
              void change.run(`${to}/revert`, { note });
            }}
          >
            <TextInput label="Revert note (optional)" value={note} onChange={setNote} />
            <button type="submit" disabled={change.pending}>
              Revert
            </button>
          </form>
          <form
            aria-label={`Keep: ${action.description}`}
            onSubmit={(e) => {
              e.preventDefault();
              void change.run(`${to}/keep`, { justification });
            }}
          >
            <TextInput
              label="Why it stays"
              required
              value={justification}
              onChange={setJustification}
            />
            <button type="submit" className="secondary" disabled={change.pending}>
              Keep it
            </button>
          </form>
        </div>
      ) : null}
      <ChangeFeedback change={change} />
    </li>
  );
}
