// Live updates: one EventSource on /api/v1/stream. Each notice names what changed (not the data);
// the matching queries are refetched through the normal, authorized API. EventSource reconnects by
// itself and sends Last-Event-ID, so the server replays what was missed.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { STREAM_EVENTS as Events } from '../shared/api/stream.ts';
import { keys } from './queries.ts';
import { SESSION_KEY } from './session.tsx';

// The stream's event names, checked against the shared contract without bundling its schemas.
const STREAM_EVENTS: typeof Events = {
  ready: 'ready',
  change: 'change',
  reset: 'reset',
  closed: 'closed',
};

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
    case 'breach':
      return [keys.breach, keys.deadlines];
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
    // Too much was missed to replay: refresh everything shown.
    source.addEventListener(STREAM_EVENTS.reset, () => void queryClient.invalidateQueries());
    // Signed out elsewhere or the session ended: asking who we are leads back to sign-in.
    source.addEventListener(STREAM_EVENTS.closed, (event) => {
      if ((event as MessageEvent<string>).data.includes('signed_out'))
        void queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    });
    source.addEventListener(STREAM_EVENTS.change, (event) => {
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
