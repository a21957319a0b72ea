// My API tokens: create one with chosen scopes (a subset of my own permissions; the raw token is
// shown once), see when each was last used, revoke.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { TokenView } from '../../../shared/api/accounts.ts';
import { del, post, request } from '../../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../../components/common.tsx';
import { useNow } from '../../clock.ts';
import { toMs } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { adminKeys, OneTimeSecret } from './shared.tsx';
import './admin.css';
import { TableWrap } from '../../components/data-table.tsx';

/** Read-only scopes first: what a script that only watches needs. */
const READ_SCOPES = [
  'incidents.read',
  'line.read',
  'policy.read',
  'deadlines.read',
  'reports.read',
];

function CreateToken() {
  const session = useSession();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const mine = [...session.permissions].sort(
    (a, b) =>
      Number(!READ_SCOPES.includes(a)) - Number(!READ_SCOPES.includes(b)) || a.localeCompare(b),
  );
  const [scopes, setScopes] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      post<{ token: string; tokenInfo: TokenView }>('/tokens', {
        name,
        permissions: scopes,
        ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
      }),
    onSuccess: async () => {
      setName('');
      setExpires('');
      setScopes([]);
      await queryClient.invalidateQueries({ queryKey: adminKeys.tokens });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <section aria-labelledby="create-token" className="panel">
      <h2 id="create-token">Create a token</h2>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          required
          value={name}
          placeholder="e.g. Release gate in CI"
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor={`${id}-expires`}>Expires (optional)</label>
        <input
          id={`${id}-expires`}
          type="datetime-local"
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          aria-describedby={`${id}-expires-help`}
        />
        <span id={`${id}-expires-help`} className="hint">
          In your time zone. Left empty, the token works until you revoke it.
        </span>
        <fieldset className="choices scopes">
          <legend>What the token may do</legend>
          <p className="hint">
            Only your own permissions can be given, and the token loses any you lose later.
          </p>
          {mine.map((p) => (
            <div key={p} className="choice">
              <input
                type="checkbox"
                id={`${id}-${p}`}
                checked={scopes.includes(p)}
                onChange={(e) =>
                  setScopes(e.target.checked ? [...scopes, p] : scopes.filter((s) => s !== p))
                }
              />
              <label htmlFor={`${id}-${p}`}>
                <code>{p}</code>
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit" disabled={create.isPending}>
          Create token
        </button>
      </form>
      <ErrorMessage error={create.error} />
      {create.data ? (
        <OneTimeSecret
          label={`Your new token “${create.data.tokenInfo.name}”`}
          value={create.data.token}
          hint="Copy it now and store it where your script reads secrets: Stopline keeps only its hash and will not show it again. Send it as “Authorization: Bearer …”."
          testId="new-token"
        />
      ) : null}
    </section>
  );
}

function tokenState(token: TokenView, now: number): string {
  if (token.revokedAt) return 'Revoked';
  if (token.expiresAt && toMs(token.expiresAt) <= now) return 'Expired';
  return 'Active';
}

function TokenTable({ tokens }: { tokens: TokenView[] }) {
  const queryClient = useQueryClient();
  const now = useNow();
  const revoke = useMutation({
    mutationFn: (id: string) => del<TokenView>(`/tokens/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.tokens }),
  });
  if (tokens.length === 0) return <Empty>You have no API tokens.</Empty>;
  return (
    <>
      <ErrorMessage error={revoke.error} />
      <TableWrap label="Tokens">
        <table data-testid="tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">May</th>
              <th scope="col">State</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => {
              const state = tokenState(t, now);
              return (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td className="small">{t.permissions.join(', ')}</td>
                  <td>{state}</td>
                  <td>
                    <Time value={t.createdAt} />
                  </td>
                  <td>{t.expiresAt ? <Time value={t.expiresAt} /> : 'Never'}</td>
                  <td>{t.lastUsedAt ? <Time value={t.lastUsedAt} /> : 'Never'}</td>
                  <td>
                    {state === 'Active' ? (
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Revoke ${t.name}`}
                        disabled={revoke.isPending}
                        onClick={() => revoke.mutate(t.id)}
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

export function TokensPage() {
  const tokens = useQuery({
    queryKey: adminKeys.tokens,
    queryFn: () => request<TokenView[]>('/tokens'),
  });
  return (
    <div className="admin">
      <h1>My API tokens</h1>
      <p>
        Tokens let scripts and integrations (a release gate, a monitor) call the Stopline API as
        you, limited to what you allow here.
      </p>
      <CreateToken />
      <h2>Your tokens</h2>
      <QueryState query={tokens} what="tokens">
        {(list) => <TokenTable tokens={list} />}
      </QueryState>
    </div>
  );
}
