// The work on an incident: the policy's roles (missing required ones flagged) and tasks with
// assignee, due time and status. Containment actions are in containment-section.tsx.
import { useState, type FormEvent } from 'react';
import { TASK_STATUSES, TASK_TYPES, type TaskStatus } from '../../../shared/domain/incidents.ts';
import { Countdown, Empty, Time } from '../../components/common.tsx';
import { humanize, localToRfc3339, rfc3339ToLocal } from '../../format.ts';
import {
  actionOf,
  eligibleFor,
  useIncidentChange,
  useStaff,
  type Incident,
  type SectionProps,
} from './incident-data.ts';
import {
  ChangeFeedback,
  Field,
  PersonSelect,
  Submit,
  TextInput,
  KindSelect,
  FormDetails,
} from './incident-parts.tsx';

export function RolesSection({ detail, policy, rights }: SectionProps) {
  const { incident, flags } = detail;
  const { people, nameOf } = useStaff();
  const change = useIncidentChange(incident);
  const [role, setRole] = useState('');
  const [userId, setUserId] = useState('');
  const [replaces, setReplaces] = useState('');
  const holders = (id: string) => incident.roles.filter((r) => r.role === id);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change
      .run('/roles', { role, userId, ...(replaces ? { replacesUserId: replaces } : {}) })
      .then((ok) => {
        if (ok) {
          setUserId('');
          setReplaces('');
        }
      });
  };
  const conflicts = flags.filter((f) => f.kind === 'troubleshooting_conflict');
  return (
    <section aria-labelledby="roles-heading" className="panel" data-testid="roles-section">
      <h2 id="roles-heading">Roles</h2>
      <ul className="roles">
        {policy.roles.map((r) => {
          const missing = flags.find((f) => f.kind === 'missing_role' && f.role === r.id);
          return (
            <li key={r.id} className={missing ? 'missing' : undefined}>
              <strong>{r.name}</strong>
              {missing ? (
                <span className="badge warn" data-testid={`missing-${r.id}`}>
                  <span aria-hidden="true">⚠ </span>Required, nobody holds it
                </span>
              ) : null}
              <p className="help">{r.description}</p>
              {holders(r.id).length > 0 ? (
                <ul>
                  {holders(r.id).map((h) => (
                    <li key={h.userId}>
                      {nameOf(h.userId)}{' '}
                      <span className="muted">
                        since <Time value={h.since} />
                      </span>
                      {rights.manageRoles ? (
                        <button
                          type="button"
                          className="link"
                          disabled={change.pending}
                          onClick={() =>
                            void change.run(
                              `/roles/${encodeURIComponent(r.id)}/${encodeURIComponent(h.userId)}`,
                              {},
                              'DELETE',
                            )
                          }
                        >
                          Release
                          <span className="visually-hidden">
                            {' '}
                            {nameOf(h.userId)} from {r.name}
                          </span>
                        </button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ul>
      {conflicts.map((f) => (
        <p key={`${f.userId}-${f.taskId}`} className="notice">
          <span aria-hidden="true">⚠ </span>
          {f.message}
        </p>
      ))}
      {rights.manageRoles ? (
        <FormDetails summary="Assign a role" label="Assign a role" onSubmit={submit}>
          <Field label="Role">
            {(p) => (
              <select
                {...p}
                required
                value={role}
                onChange={(e) => {
                  setRole(e.target.value);
                  setReplaces('');
                }}
              >
                <option value="">Choose a role</option>
                {policy.roles.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <PersonSelect
            label="Person"
            people={eligibleFor(people, 'role')}
            value={userId}
            onChange={setUserId}
            required
          />
          {role && holders(role).length > 0 ? (
            <Field label="Hand over from (optional)">
              {(p) => (
                <select {...p} value={replaces} onChange={(e) => setReplaces(e.target.value)}>
                  <option value="">Nobody: add another holder</option>
                  {holders(role).map((h) => (
                    <option key={h.userId} value={h.userId}>
                      {nameOf(h.userId)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
          <Submit change={change}>Assign role</Submit>
        </FormDetails>
      ) : (
        <>
          {rights.update ? (
            <p className="help" data-testid="roles-refused">
              {actionOf(detail, 'assign_roles').reasons.join(' ')}
            </p>
          ) : null}
          <ChangeFeedback change={change} />
        </>
      )}
    </section>
  );
}

const STATUS: Record<TaskStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
};

export function TasksSection({ detail, rights }: SectionProps) {
  const { incident } = detail;
  const { people } = useStaff();
  const change = useIncidentChange(incident);
  const [type, setType] = useState<string>('other');
  const [title, setTitle] = useState('');
  const [assigneeId, setAssigneeId] = useState('');
  const [due, setDue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change
      .run('/tasks', { type, title, assigneeId: assigneeId || null, dueAt: localToRfc3339(due) })
      .then((ok) => {
        if (ok) {
          setTitle('');
          setDue('');
        }
      });
  };
  return (
    <section aria-labelledby="tasks-heading" className="panel">
      <h2 id="tasks-heading">Tasks</h2>
      {incident.tasks.length === 0 ? (
        <Empty>No tasks yet.</Empty>
      ) : (
        <ul className="cards" data-testid="tasks">
          {incident.tasks.map((t) => (
            <TaskCard key={t.id} task={t} incident={incident} editable={rights.update} />
          ))}
        </ul>
      )}
      {rights.update ? (
        <FormDetails summary="Add a task" label="Add a task" onSubmit={submit}>
          <KindSelect
            label="What kind of work"
            kinds={TASK_TYPES}
            value={type}
            onChange={setType}
          />
          <TextInput label="Task" required maxLength={300} value={title} onChange={setTitle} />
          <PersonSelect
            label="Assignee"
            people={eligibleFor(people, 'role')}
            value={assigneeId}
            onChange={setAssigneeId}
            allowNone="Nobody yet"
          />
          <TextInput
            label="Due (optional)"
            help="In your time zone."
            type="datetime-local"
            value={due}
            onChange={setDue}
          />
          <Submit change={change}>Add task</Submit>
        </FormDetails>
      ) : null}
    </section>
  );
}

function TaskCard({
  task,
  incident,
  editable,
}: {
  task: Incident['tasks'][number];
  incident: Incident;
  editable: boolean;
}) {
  const { people, nameOf } = useStaff();
  const change = useIncidentChange(incident);
  const open = task.status === 'open' || task.status === 'in_progress';
  const [due, setDue] = useState(task.dueAt ? rfc3339ToLocal(task.dueAt) : '');
  // When the due time changes on the server (someone else, or this form), the field follows.
  const [shownDue, setShownDue] = useState(task.dueAt);
  if (shownDue !== task.dueAt) {
    setShownDue(task.dueAt);
    setDue(task.dueAt ? rfc3339ToLocal(task.dueAt) : '');
  }
  const update = (changes: Record<string, unknown>) =>
    void change.run(`/tasks/${encodeURIComponent(task.id)}`, changes, 'PATCH');
  return (
    <li className="card" id={`task-${task.id}`}>
      <strong>{task.title}</strong>
      <div className="meta">
        <span>{humanize(task.type)}</span>
        <span className={`badge status-${task.status}`}>{STATUS[task.status]}</span>
        <span>Assignee: {task.assigneeId ? nameOf(task.assigneeId) : 'nobody'}</span>
        {task.dueAt ? (
          open ? (
            <span>
              Due <Countdown due={task.dueAt} />
            </span>
          ) : (
            <span>
              Was due <Time value={task.dueAt} />
            </span>
          )
        ) : null}
      </div>
      {task.description ? <p className="untrusted">{task.description}</p> : null}
      {editable ? (
        <div className="task-edit">
          <Field label="Status">
            {(p) => (
              <select
                {...p}
                value={task.status}
                disabled={change.pending}
                onChange={(e) => update({ status: e.target.value })}
              >
                {TASK_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS[s]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <PersonSelect
            label="Assign to"
            people={eligibleFor(people, 'role', task.assigneeId)}
            value={task.assigneeId ?? ''}
            onChange={(id) => update({ assigneeId: id || null })}
            allowNone="Nobody"
          />
          <form
            aria-label={`Due time of ${task.title}`}
            onSubmit={(e) => {
              e.preventDefault();
              update({ dueAt: localToRfc3339(due) });
            }}
          >
            <TextInput
              label="Due"
              help="In your time zone; empty for no due time."
              type="datetime-local"
              value={due}
              onChange={setDue}
            />
            <button type="submit" className="secondary" disabled={change.pending}>
              Set due time
            </button>
          </form>
        </div>
      ) : null}
      <ChangeFeedback change={change} />
    </li>
  );
}
