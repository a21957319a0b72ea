// The page's e-mail subscribers in and out as CSV (status.manage): the export is a download, the
// import sends the file as it is and is all or nothing (a bad line is named: line.3.email). New
// addresses get a confirmation link unless the admin says they confirmed elsewhere.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { SubscriberImportResponse } from '../../shared/api/status.ts';
import { request } from '../api.ts';
import { ErrorMessage } from '../components/common.tsx';

type Imported = z.infer<typeof SubscriberImportResponse>;

function describe(result: Imported): string {
  const parts = [
    `Imported ${result.imported} new ${result.imported === 1 ? 'address' : 'addresses'}`,
  ];
  if (result.existing.length > 0)
    parts.push(
      `left ${result.existing.length} already subscribed as they were (${result.existing
        .map((e) => e.email)
        .join(', ')})`,
    );
  parts.push(
    result.confirmationSent
      ? 'each new address was sent a confirmation link'
      : 'marked confirmed, no confirmation sent',
  );
  return `${parts.join('; ')}.`;
}

export function SubscriberFiles() {
  const id = useId();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const upload = useMutation({
    mutationFn: (chosen: File) =>
      request<Imported>(`/status/subscribers/import?confirmed=${confirmed ? 'true' : 'false'}`, {
        method: 'POST',
        file: { type: 'text/csv', data: chosen },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['status', 'subscribers'] }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (file) upload.mutate(file);
  }
  return (
    <section aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Import and export</h3>
      <p>
        <a href="/api/v1/status/subscribers/export" download>
          Download every subscriber as CSV
        </a>{' '}
        (the download is recorded in the audit log).
      </p>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-file`}>CSV file to import</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".csv,text/csv"
          required
          aria-describedby={`${id}-hint`}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <p id={`${id}-hint`} className="hint">
          A header line with an <code>email</code> column and, if wanted, <code>components</code>{' '}
          (names separated by <code>;</code>, empty for every component), as the download has. A
          file with a bad line is refused whole, the line named.
        </p>
        <label className="check">
          <input
            type="checkbox"
            checked={confirmed}
            onChange={(e) => setConfirmed(e.target.checked)}
          />{' '}
          These addresses already confirmed elsewhere (send no confirmation link)
        </label>
        <button type="submit" disabled={!file || upload.isPending}>
          Import subscribers
        </button>
      </form>
      <ErrorMessage error={upload.error} />
      {upload.data ? <p role="status">{describe(upload.data)}</p> : null}
    </section>
  );
}
