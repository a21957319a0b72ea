// The console's one table: a scrolling wrapper (keyboard-scrollable when it overflows), a caption (visible, or for screen readers only),
// a header row of column headings and the caller's rows; and the pager that follows a paged table.
import { useEffect, useRef, useState, type ReactNode } from 'react';

/** Whether the element is wider than its box (it scrolls sideways), kept up to date. */
function useOverflows() {
  const ref = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const check = () => setOverflows(element.scrollWidth > element.clientWidth);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return [ref, overflows] as const;
}

/**
 * The scrolling wrapper of a table. A table wider than the screen (a phone) scrolls sideways: then
 * the wrapper is a region named `label` in the Tab order, so the keyboard can scroll it too;
 * otherwise it adds no Tab stop.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  const [ref, overflows] = useOverflows();
  return (
    <div
      className="table-wrap"
      ref={ref}
      {...(overflows ? { tabIndex: 0, role: 'region', 'aria-label': label } : {})}
    >
      {children}
    </div>
  );
}

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
    <TableWrap label={caption ?? 'Table'}>
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
    </TableWrap>
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

/**
 * "Showing 26–50 of 80" and the buttons to the newer and older pages of a list paged by offset
 * (the offset kept in the URL by useUrlFilters).
 */
export function OffsetPager({
  label,
  offset,
  shown,
  total,
  page,
  setOffset,
  words,
}: {
  label: string;
  offset: number;
  shown: number;
  total: number;
  page: number;
  setOffset: (offset: number) => void;
  /** What the buttons say, e.g. ['Newer incidents', 'Older incidents']. */
  words: readonly [newer: string, older: string];
}) {
  return (
    <Pager label={label}>
      {offset > 0 ? (
        <button
          type="button"
          className="secondary"
          onClick={() => setOffset(Math.max(0, offset - page))}
        >
          {words[0]}
        </button>
      ) : null}
      {offset + shown < total ? (
        <button type="button" className="secondary" onClick={() => setOffset(offset + page)}>
          {words[1]}
        </button>
      ) : null}
    </Pager>
  );
}
