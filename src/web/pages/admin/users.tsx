// Users and roles: every staff account with its roles, status and second factor; admins create
// accounts (handing over a one-time set-password link), change roles, disable and enable, issue
// a fresh set-password link and turn off a lost second factor.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { RoleInfo, UserView } from '../../../shared/api/accounts.ts';
import { patch, post } from '../../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../../components/common.tsx';
import { useCan, useSession } from '../../session.tsx';
import { adminKeys, OneTimeSecret, useRoleNames, useRoles, useUsers } from './shared.tsx';
import { TableWrap } from '../../components/data-table.tsx';

interface PasswordLink {
  setPasswordLink: string;
  linkExpiresAt: string;
}

function RoleChoices({
  roles,
  chosen,
  onChange,
  legend,
}: {
  roles: RoleInfo[];
  chosen: string[];
  onChange: (roles: string[]) => void;
  legend: string;
}) {
  const prefix = useId();
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {roles.map((r) => (
        <div key={r.id} className="choice">
          <input
            type="checkbox"
            id={`${prefix}-${r.id}`}
            checked={chosen.includes(r.id)}
            onChange={(e) =>
              onChange(e.target.checked ? [...chosen, r.id] : chosen.filter((c) => c !== r.id))
            }
            aria-describedby={`${prefix}-${r.id}-help`}
          />
          <label htmlFor={`${prefix}-${r.id}`}>{r.name}</label>
          <span id={`${prefix}-${r.id}-help`} className="hint">
            {r.description}
          </span>
        </div>
      ))}
    </fieldset>
  );
}

function CreateUser({ roles }: { roles: RoleInfo[] }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      post<PasswordLink & { user: UserView }>('/users', { email, displayName, roles: chosen }),
    onSuccess: async () => {
      setEmail('');
      setDisplayName('');
      setChosen([]);
      await queryClient.invalidateQueries({ queryKey: adminKeys.users });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <section aria-labelledby="create-user" className="panel">
      <h2 id="create-user">Create a user</h2>
      <form onSubmit={submit}>
        <label htmlFor="new-user-name">Name</label>
        <input
          id="new-user-name"
          required
          autoComplete="off"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <label htmlFor="new-user-email">E-mail</label>
        <input
          id="new-user-email"
          type="email"
          required
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <RoleChoices roles={roles} chosen={chosen} onChange={setChosen} legend="Roles" />
        <button type="submit" disabled={create.isPending}>
          Create user
        </button>
      </form>
      <ErrorMessage error={create.error} />
      {create.data ? (
        <OneTimeSecret
          label={`Set-password link for ${create.data.user.displayName}`}
          value={create.data.setPasswordLink}
          hint={`Hand this link to ${create.data.user.displayName} over a channel you trust. It works once, until ${new Date(create.data.linkExpiresAt).toLocaleString()}, and is not shown again.`}
          testId="set-password-link"
        />
      ) : null}
    </section>
  );
}

function UserActions({ user, roles }: { user: UserView; roles: RoleInfo[] }) {
  const queryClient = useQueryClient();
  const me = useSession().user;
  const [editing, setEditing] = useState(false);
  const [chosen, setChosen] = useState(user.roles);
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.users });
  const update = useMutation({
    mutationFn: (body: { roles?: string[]; status?: 'active' | 'disabled' }) =>
      patch<UserView>(`/users/${encodeURIComponent(user.id)}`, body),
    onSuccess: async () => {
      setEditing(false);
      await refresh();
    },
  });
  const link = useMutation({
    mutationFn: () => post<PasswordLink>(`/users/${encodeURIComponent(user.id)}/password-link`),
  });
  const resetMfa = useMutation({
    mutationFn: () => post(`/users/${encodeURIComponent(user.id)}/mfa/reset`),
    onSuccess: refresh,
  });
  const self = user.id === me.id;
  const who = user.displayName;
  return (
    <div className="actions">
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            update.mutate({ roles: chosen });
          }}
        >
          <RoleChoices
            roles={roles}
            chosen={chosen}
            onChange={setChosen}
            legend={`Roles of ${who}`}
          />
          <button type="submit" disabled={update.isPending}>
            Save roles
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button
          type="button"
          className="secondary"
          aria-label={`Change roles of ${who}`}
          onClick={() => {
            setChosen(user.roles);
            setEditing(true);
          }}
        >
          Change roles
        </button>
      )}
      {self ? null : user.status === 'active' ? (
        <button
          type="button"
          className="danger"
          aria-label={`Disable ${who}`}
          onClick={() => update.mutate({ status: 'disabled' })}
        >
          Disable
        </button>
      ) : (
        <button
          type="button"
          className="secondary"
          aria-label={`Enable ${who}`}
          onClick={() => update.mutate({ status: 'active' })}
        >
          Enable
        </button>
      )}
      <button
        type="button"
        className="secondary"
        aria-label={`New set-password link for ${who}`}
        onClick={() => link.mutate()}
      >
        New set-password link
      </button>
      {user.mfaEnabled && !self ? (
        <button
          type="button"
          className="secondary"
          aria-label={`Turn off two-step sign-in for ${who}`}
          onClick={() => resetMfa.mutate()}
        >
          Turn off two-step sign-in
        </button>
      ) : null}
      <ErrorMessage error={update.error ?? link.error ?? resetMfa.error} />
      {link.data ? (
        <OneTimeSecret
          label={`New set-password link for ${who}`}
          value={link.data.setPasswordLink}
          hint={`Any earlier link for ${who} stopped working. This one works once, until ${new Date(link.data.linkExpiresAt).toLocaleString()}.`}
          testId="set-password-link"
        />
      ) : null}
    </div>
  );
}

function UserTable({ users, roles }: { users: UserView[]; roles: RoleInfo[] }) {
  const can = useCan();
  const roleName = useRoleNames();
  const manage = can('users.manage');
  if (users.length === 0) return <Empty>No staff accounts yet.</Empty>;
  return (
    <TableWrap label="Staff accounts">
      <table data-testid="users">
        <caption className="visually-hidden">Staff accounts</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Roles</th>
            <th scope="col">Status</th>
            <th scope="col">Two-step sign-in</th>
            <th scope="col">Since</th>
            {manage ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className={u.status === 'disabled' ? 'disabled' : undefined}>
              <th scope="row">
                {u.displayName}
                <div className="muted small">{u.email}</div>
              </th>
              <td>{u.roles.map(roleName).join(', ')}</td>
              <td>
                {u.status === 'active' ? 'Active' : <strong>Disabled</strong>}
                {u.hasPassword ? null : <div className="muted small">No password set yet</div>}
                {u.awayUntil ? (
                  <div className="muted small">
                    Away until <Time value={u.awayUntil} />
                  </div>
                ) : null}
              </td>
              <td>{u.mfaEnabled ? 'On' : 'Off'}</td>
              <td>
                <Time value={u.createdAt} />
              </td>
              {manage ? (
                <td>
                  <UserActions user={u} roles={roles} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function UsersPage() {
  const can = useCan();
  const users = useUsers();
  const roles = useRoles();
  return (
    <>
      <h1>Users and roles</h1>
      <QueryState query={roles} what="roles">
        {(roleList) => (
          <>
            {can('users.manage') ? <CreateUser roles={roleList} /> : null}
            <h2>Staff accounts</h2>
            <QueryState query={users} what="users">
              {(list) => <UserTable users={list} roles={roleList} />}
            </QueryState>
            <details className="panel">
              <summary>What each role may do</summary>
              <dl>
                {roleList.map((r) => (
                  <div key={r.id}>
                    <dt>{r.name}</dt>
                    <dd>
                      {r.description}
                      <div className="muted small">{r.permissions.join(', ')}</div>
                    </dd>
                  </div>
                ))}
              </dl>
            </details>
          </>
        )}
      </QueryState>
    </>
  );
}
