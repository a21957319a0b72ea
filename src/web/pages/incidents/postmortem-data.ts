// The incident's post-mortem in the console: the document and its timeline under
// ['incidents', key, 'postmortem'] (the live stream refreshes the incident's prefix), and one way
// to change it: send the post-mortem's version, and on 409 say so and reload.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import type { Postmortem, PostmortemTimeline } from '../../../shared/api/learning.ts';
import { ApiError, request } from '../../api.ts';
import { keys } from '../../queries.ts';

export type PostmortemJson = z.infer<typeof Postmortem>;
export type TimelineJson = z.infer<typeof PostmortemTimeline>;

const path = (key: string) => `/incidents/${encodeURIComponent(key)}/postmortem`;
const queryKey = (key: string) => [...keys.incident(key), 'postmortem'] as const;

/** The post-mortem, or null when none has been started (404). */
export function usePostmortem(key: string) {
  return useQuery({
    queryKey: queryKey(key),
    queryFn: () =>
      request<PostmortemJson>(path(key)).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }),
  });
}

export function usePostmortemTimeline(key: string, enabled: boolean) {
  return useQuery({
    queryKey: [...queryKey(key), 'timeline'],
    queryFn: () => request<TimelineJson>(`${path(key)}/timeline`),
    enabled,
  });
}

type Method = 'POST' | 'PUT' | 'DELETE';

/**
 * A change to the post-mortem at the version shown; a 409 reloads it and says so. The whole
 * incident is reloaded after it: approving or skipping changes its exit checks, sending it to
 * review meets the draft's clock.
 */
export function usePostmortemChange(key: string, version: number | null) {
  return useVersionedChange(path(key), keys.incident(key), version);
}

/**
 * A change to a versioned record under `base` (the post-mortem, an exercise report) at the
 * version shown; a 409 reloads `reload` and says so.
 */
export function useVersionedChange(
  base: string,
  reload: readonly unknown[],
  version: number | null,
) {
  const queryClient = useQueryClient();
  const [conflict, setConflict] = useState(false);
  const mutation = useMutation({
    mutationFn: (change: { method: Method; to: string; body?: Record<string, unknown> }) =>
      request(`${base}${change.to}`, {
        method: change.method,
        ...(change.method === 'DELETE'
          ? version === null
            ? {}
            : { headers: { 'if-match': `"${version}"` } }
          : {
              body: {
                ...change.body,
                ...(version === null ? {} : { expectedVersion: version }),
              },
            }),
      }),
    onMutate: () => setConflict(false),
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) setConflict(true);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: reload }),
  });
  return {
    /** Resolves true when the change was made. */
    run: (to: string, body: Record<string, unknown> = {}, method: Method = 'POST') =>
      mutation.mutateAsync({ to, body, method }).then(
        () => true,
        () => false,
      ),
    pending: mutation.isPending,
    error: conflict ? null : mutation.error,
    conflict,
  };
}
