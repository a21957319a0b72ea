// Live updates: one EventSource on /api/v1/stream. Each notice names what changed (not the data);
// the matching queries are refetched through the normal, authorized API. EventSource reconnects by
// itself and sends Last-Event-ID, so the server replays what was missed.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { keys } from './queries.ts';

export type LiveState = 'connecting' | 'live' | 'offline';

interface Notice {
  subject?: string;
  key?: string;
}

/** Which cached queries a notice makes stale. */
export function staleKeysFor(notice: Notice): (readonly unknown[])[] {
  switch (notice.subject) {
    case 'incident':
    case 'task':
      return [keys.incidents, keys.line, keys.deadlines, keys.tasks];
    case 'report':
      return [keys.reports, keys.deadlines];
    case 'line':
      return [keys.line, keys.incidents];
    case 'deadline':
      return [keys.deadlines, keys.incidents];
    default:
      return [keys.incidents, keys.reports, keys.line, keys.deadlines, keys.tasks];
  }
}

export function useLiveUpdates(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const source = new EventSource('/api/v1/stream');
    source.onopen = () => setState('live');
    source.onerror = () =>
      setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    source.addEventListener('change', (event) => {
      let notice: Notice = {};
      try {
        notice = JSON.parse((event as MessageEvent<string>).data) as Notice;
      } catch {
        // An unreadable notice still means something changed.
      }
      for (const key of staleKeysFor(notice)) void queryClient.invalidateQueries({ queryKey: key });
    });
    return () => source.close();
  }, [queryClient]);
  return state;
}
