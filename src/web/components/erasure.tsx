// "Erase personal data" (GDPR erasure on request, issue 19 item 5), for people with data.erase
// only: what goes (the caller's fields), a required reason, then a confirmation step that names
// what goes and that it cannot be undone. Once done, the tombstone the server recorded is shown
// and takes the focus; a refusal (a 409, a 400 naming the field) takes it on the error summary.
import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorMessage, Time } from './common.tsx';
import { useFocusOnShow } from './focus.ts';

/** A tombstone in words: "<what went> [by the retention rule] <time> — reason". */
export function Tombstone({
  gone,
  redaction,
}: {
  /** What went, as a sentence's start ("Contact details erased", "File removed"). */
  gone: string;
  redaction: { rule: 'retention' | 'request'; reason: string; at: string };
}) {
  return (
    <>
      {gone}
      {redaction.rule === 'retention' ? ' by the retention rule' : ''} <Time value={redaction.at} />{' '}
      — <q>{redaction.reason}</q>
    </>
  );
}

export function ErasePersonalData<T>({
  title = 'Erase personal data',
  level = 2,
  help,
  chosen,
  confirmWhat,
  erase,
  tombstone,
  onDone,
  nothingLeft,
  children,
}: {
  title?: string;
  /** The heading's level where the control sits (3 inside a section of its own). */
  level?: 2 | 3;
  help: ReactNode;
  /** Whether what to erase is chosen (the first step's button is disabled until it is). */
  chosen: boolean;
  /** What goes, named for the confirmation ("the reporter's contact details: …"). */
  confirmWhat: ReactNode;
  /** The erasure; throws the server's refusal. */
  erase: (reason: string) => Promise<T>;
  /** The tombstone, from the server's answer and the reason given. */
  tombstone: (answer: T, reason: string) => ReactNode;
  /** After the page shows the erasure (reset the choice). */
  onDone?: () => void;
  /** Said instead of the form when there is nothing left to erase. */
  nothingLeft?: ReactNode;
  /** The fields that choose what to erase. */
  children: ReactNode;
}) {
  const id = useId();
  const Heading = level === 2 ? 'h2' : 'h3';
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<ReactNode>(null);
  const run = useMutation({ mutationFn: (why: string) => erase(why) });
  const doneRef = useFocusOnShow<HTMLDivElement>(done);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  function review(event: FormEvent) {
    event.preventDefault();
    run.reset();
    setDone(null);
    setConfirming(true);
  }
  function confirm(event: FormEvent) {
    event.preventDefault();
    run.mutate(reason, {
      onSuccess: (answer) => {
        setDone(tombstone(answer, reason.trim()));
        setReason('');
        onDone?.();
      },
      onSettled: () => setConfirming(false),
    });
  }

  return (
    <section aria-labelledby={`${id}-title`} className="panel action erase" data-testid="erase">
      <Heading id={`${id}-title`}>{title}</Heading>
      <div
        role="status"
        tabIndex={-1}
        ref={doneRef}
        className={done ? 'erase-result' : 'visually-hidden'}
        data-testid="erase-result"
      >
        {done}
      </div>
      {nothingLeft && !confirming ? (
        <p>{nothingLeft}</p>
      ) : confirming ? (
        <form onSubmit={confirm} aria-label="Confirm the erasure">
          <p ref={confirmRef} tabIndex={-1} className="notice" data-testid="erase-confirm">
            <strong>Erase {confirmWhat}?</strong> It is removed at once, from this server and its
            files, and cannot be undone: no one, an admin included, can get it back. The record
            keeps that it was erased, when, by whom and why.
          </p>
          <p>
            Reason: <q>{reason.trim()}</q>
          </p>
          <div className="button-row">
            <button type="submit" className="danger" disabled={run.isPending}>
              Erase for good
            </button>
            <button
              type="button"
              className="secondary"
              disabled={run.isPending}
              onClick={() => setConfirming(false)}
            >
              Go back
            </button>
          </div>
        </form>
      ) : (
        <form onSubmit={review} aria-label={title}>
          <p className="muted help">{help}</p>
          {children}
          <label htmlFor={`${id}-reason`}>Reason for the erasure</label>
          <textarea
            id={`${id}-reason`}
            required
            aria-describedby={`${id}-reason-help`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <p className="muted help" id={`${id}-reason-help`}>
            Kept on the record and the audit trail, e.g. the request&apos;s reference.
          </p>
          <ErrorMessage error={run.error} focus />
          <button type="submit" className="danger" disabled={!chosen}>
            Review the erasure…
          </button>
        </form>
      )}
    </section>
  );
}
