// Pieces the administration pages share: their queries, role names, a one-time secret box.
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { RoleInfo, UserView } from '../../../shared/api/accounts.ts';
import { request } from '../../api.ts';
import { useCan } from '../../session.tsx';

export const adminKeys = {
  users: ['admin', 'users'] as const,
  roles: ['admin', 'roles'] as const,
  tokens: ['admin', 'tokens'] as const,
  audit: ['admin', 'audit'] as const,
  outbox: ['admin', 'outbox'] as const,
  webhooks: ['admin', 'webhooks'] as const,
};

export function useRoles() {
  return useQuery({
    queryKey: adminKeys.roles,
    queryFn: () => request<RoleInfo[]>('/roles'),
    staleTime: 5 * 60_000,
  });
}

/** Staff accounts, when this user may read them (to name actors and owners). */
export function useUsers() {
  const can = useCan();
  return useQuery({
    queryKey: adminKeys.users,
    queryFn: () => request<UserView[]>('/users'),
    enabled: can('users.read'),
  });
}

/** Role id → the name this organisation gives it. */
export function useRoleNames(): (id: string) => string {
  const roles = useRoles();
  const names = new Map((roles.data ?? []).map((r) => [r.id, r.name]));
  return (id) => names.get(id) ?? id;
}

/** User id → display name, falling back to the id. */
export function useUserNames(): (id: string | null) => string {
  const users = useUsers();
  const names = new Map((users.data ?? []).map((u) => [u.id, u.displayName]));
  return (id) => (id === null ? '—' : (names.get(id) ?? id));
}

/**
 * A secret shown once (a token, a set-password link): selectable text, a copy button, and a plain
 * warning that it will not be shown again.
 */
export function OneTimeSecret({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint: string;
  testId: string;
}) {
  const id = useId();
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }
  return (
    <div className="panel one-time" role="status">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        readOnly
        value={value}
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
        spellCheck={false}
      />
      <p className="hint">{hint}</p>
      <button type="button" className="secondary" onClick={() => void copy()}>
        {copied === 'yes' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'failed' ? (
        <span className="muted"> The browser would not copy: select the text and copy it.</span>
      ) : null}
    </div>
  );
}
