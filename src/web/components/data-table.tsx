// The console's one table: a scrolling wrapper, a caption (visible, or for screen readers only),
// a header row of column headings and the caller's rows; and the pager that follows a paged table.
import type { ReactNode } from 'react';

export function DataTable({
  caption,
  hideCaption = false,
  columns,
  testId,
  className,
  children,
}: {
  /** Names the table for screen readers; shown unless hideCaption. */
  caption?: string;
  hideCaption?: boolean;
  columns: readonly string[];
  testId?: string;
  className?: string;
  /** The body rows (`<tr>`). */
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table data-testid={testId} className={className}>
        {caption ? (
          <caption className={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
        ) : null}
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Links to the neighbouring pages of a paged table, as a labelled navigation landmark. */
export function Pager({ label, children }: { label: string; children: ReactNode }) {
  return (
    <nav aria-label={label} className="pager">
      {children}
    </nav>
  );
}
