// A report's personal data erased on request (GDPR), for people with data.erase: the reporter's
// contact details or one file, with the reason; and the tombstones the page shows where the data
// was (retention's too), as the server recorded them.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReportDetail, ReportErasure, ReportRedaction } from '../../../shared/api/reports.ts';
import { post } from '../../api.ts';
import { ErasePersonalData, Tombstone as TombstoneWords } from '../../components/erasure.tsx';
import { keys } from '../../queries.ts';
import { Choices } from './fields.tsx';

/** "Contact details erased <time> — reason", "File removed <time> — reason". */
export function Tombstone({
  redaction,
  what,
}: {
  redaction: Pick<ReportRedaction, 'rule' | 'reason' | 'at'>;
  what: 'contact' | 'attachment';
}) {
  return (
    <TombstoneWords
      gone={what === 'contact' ? 'Contact details erased' : 'File removed'}
      redaction={redaction}
    />
  );
}

export const contactRedaction = (report: ReportDetail) =>
  report.redactions.find((r) => r.field === 'contact') ?? null;

export const attachmentRedaction = (report: ReportDetail, attachmentId: string) =>
  report.redactions.find((r) => r.field === 'attachment' && r.attachmentId === attachmentId) ??
  null;

export function EraseReportData({ report }: { report: ReportDetail }) {
  const queryClient = useQueryClient();
  const files = report.attachments.filter((a) => a.redactedAt === null);
  const options = [
    ...(contactRedaction(report) ? [] : [['contact', "The reporter's contact details"] as const]),
    ...files.map((a) => [a.id, `The file “${a.name}”`] as const),
  ];
  const [choice, setChoice] = useState('');
  const chosen = options.find(([value]) => value === choice);
  const file = report.attachments.find((a) => a.id === choice);

  async function erase(reason: string) {
    const body =
      choice === 'contact'
        ? { field: 'contact', reason }
        : { field: 'attachment', attachmentId: choice, reason };
    const answer = await post<ReportErasure>(
      `/reports/${encodeURIComponent(report.key)}/erasures`,
      body,
    );
    await Promise.all(
      [keys.reports, keys.incidents].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
    );
    return answer;
  }

  return (
    <ErasePersonalData
      help="On a person's request (GDPR): removes the reporter's contact details, or one file's bytes, at once."
      chosen={chosen !== undefined}
      confirmWhat={
        choice === 'contact' ? (
          "the reporter's contact details (name, e-mail address, phone and OpenPGP key)"
        ) : (
          <>
            the file <span className="untrusted inline-untrusted">{file?.name}</span> (its bytes;
            the record keeps its name, size and SHA-256)
          </>
        )
      }
      erase={erase}
      tombstone={(answer, reason) => (
        <Tombstone what={answer.field} redaction={{ rule: 'request', reason, at: answer.at }} />
      )}
      onDone={() => setChoice('')}
      {...(options.length === 0
        ? { nothingLeft: 'The contact details and every file of this report are erased already.' }
        : {})}
    >
      {options.length === 0 ? null : (
        <Choices
          legend="What to erase"
          name="erase-what"
          options={options}
          value={choice}
          onChange={setChoice}
        />
      )}
    </ErasePersonalData>
  );
}
