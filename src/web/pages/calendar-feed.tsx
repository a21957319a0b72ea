// My calendar feed: a URL my calendar app subscribes to (deadlines I may see, follow-ups due,
// scheduled exercises). Made, rotated and revoked here; the URL holds its secret, shown once.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CalendarFeedView, CreatedCalendarFeed } from '../../shared/api/calendar.ts';
import { del, get, post } from '../api.ts';
import { ErrorMessage, QueryState, Time } from '../components/common.tsx';
import { OneTimeSecret } from './admin/shared.tsx';

const KEY = ['me', 'calendar-feed'] as const;
const PATH = '/account/calendar-feed';

export function CalendarFeed() {
  const queryClient = useQueryClient();
  const feed = useQuery({ queryKey: KEY, queryFn: () => get<typeof CalendarFeedView>(PATH) });
  const [url, setUrl] = useState<string | null>(null);
  const [revoked, setRevoked] = useState(false);
  const make = useMutation({
    mutationFn: () => post<CreatedCalendarFeed>(PATH),
    onSuccess: (made) => {
      setUrl(made.url);
      setRevoked(false);
      queryClient.setQueryData(KEY, made.feed);
    },
  });
  const revoke = useMutation({
    mutationFn: () => del<CalendarFeedView>(PATH),
    onSuccess: (now) => {
      setUrl(null);
      setRevoked(true);
      queryClient.setQueryData(KEY, now);
    },
  });
  return (
    <section className="narrow" aria-labelledby="calendar-feed-heading">
      <h2 id="calendar-feed-heading">Calendar feed</h2>
      <p>
        Subscribe your calendar app to the deadlines you may see, the open follow-ups and the
        scheduled exercises (marked EXERCISE). Anyone with the address can read them: treat it like
        a password.
      </p>
      <QueryState query={feed} what="your calendar feed">
        {(current) => (
          <>
            {current.active ? (
              <p>
                Your feed address was made <Time value={current.createdAt} />
                {current.lastUsedAt ? (
                  <>
                    ; a calendar last fetched it <Time value={current.lastUsedAt} />
                  </>
                ) : (
                  '; no calendar has fetched it yet'
                )}
                .
              </p>
            ) : (
              <p>{revoked ? 'Your feed address was revoked.' : 'You have no feed address.'}</p>
            )}
            {url ? (
              <OneTimeSecret
                label="Your calendar feed address"
                value={url}
                hint="Shown only now. Add it to your calendar app as a subscription by URL."
                testId="calendar-feed-url"
              />
            ) : null}
            <button type="button" disabled={make.isPending} onClick={() => make.mutate()}>
              {current.active ? 'Make a new address (the old one stops)' : 'Make a feed address'}
            </button>{' '}
            {current.active ? (
              <button
                type="button"
                className="secondary"
                disabled={revoke.isPending}
                onClick={() => revoke.mutate()}
              >
                Revoke the feed address
              </button>
            ) : null}
          </>
        )}
      </QueryState>
      <ErrorMessage error={make.error ?? revoke.error} />
    </section>
  );
}
