// A list's filter: a labelled select whose first choice is "any" (the empty value).
import { useId } from 'react';

export function FilterSelect({
  label,
  any,
  value,
  onChange,
  options,
}: {
  label: string;
  any: string;
  value: string | undefined;
  onChange: (value: string) => void;
  options: [string, string][];
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">{any}</option>
        {options.map(([v, name]) => (
          <option key={v} value={v}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
