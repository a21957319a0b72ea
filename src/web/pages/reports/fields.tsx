// Form pieces the report pages repeat: a labelled text field with its help text tied to it, and a
// group of radio buttons with a legend.
import type { InputHTMLAttributes, ReactNode } from 'react';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>;

export function TextField({
  id,
  label,
  help,
  value,
  onChange,
  multiline = false,
  ...input
}: InputProps & {
  id: string;
  label: string;
  help?: ReactNode;
  value: string;
  onChange: (value: string) => void;
  multiline?: boolean;
}) {
  const describedBy = help ? { 'aria-describedby': `${id}-help` } : {};
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea
          id={id}
          value={value}
          required={input.required}
          {...describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          id={id}
          value={value}
          {...input}
          {...describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {help ? (
        <p className="muted help" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
    </>
  );
}

export function Choices<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
}: {
  legend: string;
  name: string;
  options: readonly (readonly [T, string])[];
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {options.map(([option, label]) => (
        <label key={option} className="inline">
          <input
            type="radio"
            name={name}
            value={option}
            checked={value === option}
            onChange={() => onChange(option)}
          />{' '}
          {label}
        </label>
      ))}
    </fieldset>
  );
}
