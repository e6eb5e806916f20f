import { useId, useRef, useState } from 'react';
import { t } from '../../texts';

const s = t.settings.secret;

/**
 * A secret the API shows only once (a setup link, an API token): readable, selectable and copyable
 * here, gone when dismissed or when the page is left.
 */
export function OneTimeSecret({
  label,
  explanation,
  value,
  onDismiss,
}: {
  label: string;
  explanation: string;
  value: string;
  onDismiss: () => void;
}) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setSaid(s.copied);
    } catch {
      // The clipboard needs a secure origin; over plain HTTP the text is selected for the person.
      field.current?.select();
      setSaid(s.copyFailed);
    }
  };
  return (
    <div className="card one-time-secret">
      <p id={`${id}-help`}>{explanation}</p>
      <label htmlFor={id}>{label}</label>{' '}
      <input
        id={id}
        ref={field}
        readOnly
        value={value}
        aria-describedby={`${id}-help`}
        onFocus={(e) => e.target.select()}
      />{' '}
      <button type="button" onClick={() => void copy()}>
        {s.copy}
      </button>{' '}
      <button type="button" onClick={onDismiss}>
        {s.dismiss}
      </button>{' '}
      <span role="status">{said}</span>
    </div>
  );
}
