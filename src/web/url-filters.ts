// A list page's filters and page offset, kept in the URL so a filtered view can be shared and the
// back button undoes a change: one hook for every list that pages by offset (incidents,
// vulnerabilities).
import { useSearchParams } from 'react-router';

export function useUrlFilters<F extends string>(names: readonly F[]) {
  const [params, setParams] = useSearchParams();
  const offset = Number(params.get('offset') ?? 0) || 0;
  const filter = Object.fromEntries(
    names.map((f) => [f, params.get(f) ?? undefined]).filter(([, v]) => v),
  ) as Partial<Record<F, string>>;

  /** Sets (or, when empty, removes) the filters given and goes back to the first page. */
  function setFilter(values: Partial<Record<F, string>>) {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(values) as [F, string | undefined][]) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    next.delete('offset');
    setParams(next, { replace: true });
  }
  function setOffset(value: number) {
    const next = new URLSearchParams(params);
    if (value > 0) next.set('offset', String(value));
    else next.delete('offset');
    setParams(next);
  }
  return { filter, offset, setFilter, setOffset };
}
