// "Pages for you": the urgent notices that reached me and wait for an acknowledgment, first on the
// dashboard (the next step first). Acknowledging one stops it climbing the policy's ladder; focus
// then moves to the result, so a keyboard user hears what happened.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { PageView } from '../../shared/api/notifications.ts';
import { consolePath } from '../../shared/domain/console-paths.ts';
import { post, request } from '../api.ts';
import { Countdown, ErrorMessage, QueryState, Time } from '../components/common.tsx';
import { keys } from '../queries.ts';

const KEY = keys.myPages;

function PageCard({ page, onDone }: { page: PageView; onDone: (p: PageView) => void }) {
  const acknowledge = useMutation({
    mutationFn: () => post<PageView>(`/pages/${encodeURIComponent(page.id)}/acknowledge`),
    onSuccess: onDone,
  });
  const naming = page.about.title ?? `(restricted ${page.about.type})`;
  return (
    <li className="card">
      <strong>{page.headline}</strong>:{' '}
      <Link to={consolePath.subject(page.about)}>
        {page.about.key} {naming}
      </Link>
      <div className="meta">
        Paged <Time value={page.pagedAt} />
        {page.nextEscalationAt ? (
          <>
            {' '}
            · next level <Countdown due={page.nextEscalationAt} />
          </>
        ) : null}
      </div>
      <ErrorMessage error={acknowledge.error} />
      <button type="button" onClick={() => acknowledge.mutate()} disabled={acknowledge.isPending}>
        Acknowledge {page.about.key}
      </button>
    </li>
  );
}

export function PagesForMe() {
  const queryClient = useQueryClient();
  const pages = useQuery({ queryKey: KEY, queryFn: () => request<PageView[]>('/me/pages') });
  const [done, setDone] = useState<string | null>(null);
  const result = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (done) result.current?.focus();
  }, [done]);
  const open = (pages.data ?? []).filter((p) => p.acknowledgedAt === null);
  if (pages.isSuccess && open.length === 0 && done === null) return null;
  return (
    <section aria-labelledby="pages-for-me" className="pages-for-me">
      <h2 id="pages-for-me">Pages for you</h2>
      {done ? (
        <p role="status" tabIndex={-1} ref={result} className="notice">
          {done}
        </p>
      ) : null}
      <QueryState query={pages} what="pages">
        {() =>
          open.length === 0 ? null : (
            <ul className="cards" data-testid="pages-for-me">
              {open.map((p) => (
                <PageCard
                  key={p.id}
                  page={p}
                  onDone={(acked) => {
                    setDone(`Acknowledged ${acked.about.key}: the page stops climbing.`);
                    void queryClient.invalidateQueries({ queryKey: KEY });
                  }}
                />
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}
