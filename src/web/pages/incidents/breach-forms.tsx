// The legal role's forms on the breach panel: edit a draft notice, record a stage's submission
// made outside Stopline (when, to whom, the reference and a frozen copy of what was sent), and
// import the people affected from a CSV file; and, for data.erase, erase one person from that list
// on request (GDPR). Each form keeps its own change, so a refusal (the
// server's field messages) shows next to the form that caused it.
import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { useQueryClient } from '@tanstack/react-query';
import type {
  ContactErasure,
  ContactImportResponse,
  ContactRedactionJson,
} from '../../../shared/api/breach.ts';
import { SUBMISSION_PARTS } from '../../../shared/domain/breach.ts';
import { post } from '../../api.ts';
import { ErrorMessage, Time } from '../../components/common.tsx';
import { ErasePersonalData, Tombstone } from '../../components/erasure.tsx';
import { localToRfc3339 } from '../../format.ts';
import { keys, usePolicy } from '../../queries.ts';
import { useBreachChange, type BreachDetails, type BreachStage } from './breach-data.ts';
import { Field, FormDetails, KindSelect, TextArea, TextInput } from './incident-parts.tsx';

type Notice = BreachDetails['notices'][number];

/** A draft's subject and text, edited in place; an approved notice is frozen and has no form. */
export function NoticeEditForm({ incidentKey, notice }: { incidentKey: string; notice: Notice }) {
  const change = useBreachChange(incidentKey);
  const [subject, setSubject] = useState(notice.subject);
  const [text, setText] = useState(notice.text);
  const save = (e: FormEvent) => {
    e.preventDefault();
    void change.run(`/notices/${notice.id}`, { subject, text }, 'PATCH');
  };
  return (
    <FormDetails
      summary="Edit this draft"
      label={`Edit the draft “${notice.subject}”`}
      onSubmit={save}
    >
      <TextInput label="Subject" required maxLength={250} value={subject} onChange={setSubject} />
      <TextArea
        label="Text"
        help="Replace every [to be completed] before approving. For the people affected, {name} becomes each person's name."
        required
        value={text}
        onChange={setText}
      />
      <button type="submit" disabled={change.pending}>
        Save the draft
      </button>
      <ErrorMessage error={change.error} />
    </FormDetails>
  );
}

const MEDIA_TYPES = ['text/plain', 'text/markdown', 'text/html', 'application/json'] as const;

/**
 * A stage submitted through an outside portal (or by post, or a press release): when, to whom,
 * the reference the recipient gave, and the copy of exactly what was sent, kept frozen and hashed.
 */
export function SubmissionForm({
  incidentKey,
  stages,
  notices,
}: {
  incidentKey: string;
  stages: BreachStage[];
  notices: Notice[];
}) {
  const change = useBreachChange(incidentKey);
  const policy = usePolicy();
  const open = stages.filter((s) => s.status === 'running' || s.status === 'submitted');
  const [stageKey, setStageKey] = useState('');
  const [part, setPart] = useState('final');
  const [submittedAt, setSubmittedAt] = useState('');
  const [recipient, setRecipient] = useState('');
  const [reference, setReference] = useState('');
  const [mediaType, setMediaType] = useState<string>('text/plain');
  const [copy, setCopy] = useState('');
  const [delayReasons, setDelayReasons] = useState('');
  const chosen = open.find((s) => `${s.regimeId}.${s.stageId}` === stageKey) ?? open[0];
  if (!chosen) return null;
  const phased =
    policy.data?.breach.regimes
      .find((r) => r.id === chosen.regimeId)
      ?.stages.find((s) => s.id === chosen.stageId)?.phased ?? false;
  const approved = notices.find(
    (n) => n.regimeId === chosen.regimeId && n.stageId === chosen.stageId && n.status !== 'draft',
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change
      .run('/submissions', {
        regimeId: chosen.regimeId,
        stageId: chosen.stageId,
        part: phased ? part : 'final',
        // An unreadable moment is sent as it is, so the server names the field.
        submittedAt: localToRfc3339(submittedAt) ?? submittedAt,
        recipient,
        reference,
        copy: { mediaType, text: copy },
        delayReasons,
      })
      .then((ok) => {
        if (!ok) return;
        setCopy('');
        setReference('');
        setDelayReasons('');
      });
  };
  return (
    <FormDetails
      summary="Record a submission"
      label="Record a submission made outside Stopline"
      onSubmit={submit}
    >
      <KindSelect
        label="Stage"
        kinds={open.map((s) => `${s.regimeId}.${s.stageId}`)}
        nameOf={(id) => {
          const s = open.find((o) => `${o.regimeId}.${o.stageId}` === id)!;
          return `${s.regimeName}: ${s.stageName}`;
        }}
        value={`${chosen.regimeId}.${chosen.stageId}`}
        onChange={setStageKey}
      />
      {phased ? (
        <KindSelect label="Part" kinds={SUBMISSION_PARTS} value={part} onChange={setPart} />
      ) : null}
      <TextInput
        label="Submitted at"
        help="In your time zone; not before the stage's clock started, not in the future."
        type="datetime-local"
        required
        value={submittedAt}
        onChange={setSubmittedAt}
      />
      <TextInput
        label="Submitted to"
        help={`The policy names: ${chosen.recipient}`}
        required
        maxLength={500}
        value={recipient}
        onChange={setRecipient}
      />
      <TextInput
        label="Reference"
        help="The case or reference number the recipient gave, if any."
        maxLength={500}
        value={reference}
        onChange={setReference}
      />
      <KindSelect
        label="Copy format"
        kinds={MEDIA_TYPES}
        nameOf={(t) => t}
        value={mediaType}
        onChange={setMediaType}
      />
      <TextArea
        label="Copy of what was sent"
        help="Exactly what was submitted: it is frozen and its SHA-256 kept on the record."
        required
        value={copy}
        onChange={setCopy}
      />
      {approved && copy === '' ? (
        <button
          type="button"
          className="secondary"
          onClick={() => setCopy(`${approved.subject}\n\n${approved.text}`)}
        >
          Use the approved notice “{approved.subject}”
        </button>
      ) : null}
      <TextArea
        label="Reasons for the delay"
        help={
          chosen.dueAt
            ? 'Required when it was submitted after the stage was due (GDPR Art. 33(1)).'
            : undefined
        }
        value={delayReasons}
        onChange={setDelayReasons}
      />
      <button type="submit" disabled={change.pending}>
        Record the submission
      </button>
      <ErrorMessage error={change.error} />
    </FormDetails>
  );
}

type Imported = z.infer<typeof ContactImportResponse>;

/**
 * The people affected, from a CSV file with an email column (and name, and any other columns),
 * replacing the list. The answer says how many are on it and which lines were left out and why.
 */
export function ContactImportForm({ incidentKey }: { incidentKey: string }) {
  const change = useBreachChange(incidentKey);
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Imported | null>(null);
  const upload = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setResult(null);
    void change
      .upload<Imported>('/contacts', { type: 'text/csv', data: file })
      .then((answer) => setResult(answer));
  };
  return (
    <FormDetails
      summary="Import the people affected (CSV)"
      label="Import the people affected"
      onSubmit={upload}
    >
      <Field
        label="Contact list (CSV)"
        help="A header line with an email column; name and any other columns are kept. Importing replaces the list; it is deleted by the retention rule after the notice goes out."
      >
        {(p) => (
          <input
            {...p}
            type="file"
            accept=".csv,text/csv"
            required
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        )}
      </Field>
      <button type="submit" disabled={change.pending || !file}>
        Import the list
      </button>
      <ErrorMessage error={change.error} />
      {result ? (
        <div role="status" data-testid="contact-import-result">
          <p>
            {result.imported} {result.imported === 1 ? 'person is' : 'people are'} on the list.
          </p>
          {result.refused.length > 0 ? (
            <>
              <p>Lines left out:</p>
              <ul>
                {result.refused.map((r) => (
                  <li key={r.line}>
                    Line {r.line}: {r.reason}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {result.brokenEncodingLines.length > 0 ? (
            <p>
              Lines with bytes that are not UTF-8 (kept, with � in their place):{' '}
              {result.brokenEncodingLines.join(', ')}
            </p>
          ) : null}
        </div>
      ) : null}
    </FormDetails>
  );
}

/** "1 line", "3 lines" (of the contact list). */
const lineCount = (count: number) => `${count} ${count === 1 ? 'line' : 'lines'}`;

/**
 * The contact list's tombstones as the record keeps them ("Contact erased <time> — reason (1 line
 * removed)", "Contact list removed by the retention rule <time> — reason (2 lines removed)");
 * never who.
 */
export function ContactTombstones({ redactions }: { redactions: ContactRedactionJson[] }) {
  if (redactions.length === 0) return null;
  return (
    <>
      <h3>Erased from the contact list</h3>
      <ul data-testid="breach-contact-tombstones">
        {redactions.map((r, i) => (
          <li key={i}>
            <Tombstone
              gone={r.scope === 'list' ? 'Contact list removed' : 'Contact erased'}
              redaction={r}
            />{' '}
            ({lineCount(r.count)} removed)
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * One person erased from the contact list on request (GDPR), for people with data.erase: their
 * address (every line with it goes, and the e-mails of the notices to them), with the reason.
 */
export function EraseBreachContact({ incidentKey }: { incidentKey: string }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  async function erase(reason: string) {
    const answer = await post<ContactErasure>(
      `/incidents/${encodeURIComponent(incidentKey)}/breach/contacts/erasures`,
      { email, reason },
    );
    await queryClient.invalidateQueries({ queryKey: keys.breach });
    return answer;
  }
  return (
    <ErasePersonalData
      level={3}
      help="On a person's request (GDPR): removes them from the contact list of the people affected, its exports and the e-mails of its notices, at once."
      chosen={email.trim() !== ''}
      confirmWhat={
        <>
          <span className="untrusted inline-untrusted">{email.trim()}</span> from the contact list
          (every line with this address, and the e-mails of the notices to it)
        </>
      }
      erase={erase}
      tombstone={(answer, reason) => (
        <>
          Contact erased <Time value={answer.at} /> ({lineCount(answer.count)} of the list) —{' '}
          <q>{reason}</q>
        </>
      )}
      onDone={() => setEmail('')}
    >
      <TextInput
        label="E-mail address of the person"
        help="As on the contact list; compared without case."
        required
        maxLength={320}
        value={email}
        onChange={setEmail}
      />
    </ErasePersonalData>
  );
}
