// The breach panel's data: the incident's breach record under ['breach', key] (refreshed on the
// live stream's `breach` notices), and one way to change it: each change reloads the record, the
// deadlines and the incident, and keeps the last error for the form that made it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BreachResponse } from '../../../shared/api/breach.ts';
import { ApiError, request, type RequestOptions } from '../../api.ts';
import { keys } from '../../queries.ts';

export type Breach = BreachResponse;
export type BreachDetails = NonNullable<Breach['details']>;
export type BreachStage = Breach['regimes'][number]['stages'][number];

const breachPath = (key: string) => `/incidents/${encodeURIComponent(key)}/breach`;

export function useBreach(key: string) {
  return useQuery({
    queryKey: [...keys.breach, key],
    queryFn: async () => {
      try {
        return await request<Breach>(breachPath(key));
      } catch (error) {
        // No record yet is an answer, not an error.
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

type Change = {
  to: string;
  method?: 'POST' | 'PATCH';
  body?: object;
  file?: RequestOptions['file'];
};

/** A change to the incident's breach record; `run` answers whether it was made. */
export function useBreachChange(key: string) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (c: Change) =>
      request<unknown>(`${breachPath(key)}${c.to}`, {
        method: c.method ?? 'POST',
        ...(c.file ? { file: c.file } : { body: c.body ?? {} }),
      }),
    onSettled: () =>
      Promise.all(
        [keys.breach, keys.deadlines, keys.incident(key)].map((queryKey) =>
          queryClient.invalidateQueries({ queryKey }),
        ),
      ),
  });
  return {
    run: (to: string, body?: object, method?: 'POST' | 'PATCH') =>
      mutation.mutateAsync({ to, ...(body ? { body } : {}), ...(method ? { method } : {}) }).then(
        () => true,
        () => false,
      ),
    /** Sends a file (the contact list) and answers what the server said, or null if refused. */
    upload: <T>(to: string, file: NonNullable<RequestOptions['file']>) =>
      mutation.mutateAsync({ to, file }).then(
        (answer) => answer as T,
        () => null,
      ),
    pending: mutation.isPending,
    error: mutation.error,
    reset: mutation.reset,
  };
}

export type BreachChange = ReturnType<typeof useBreachChange>;
