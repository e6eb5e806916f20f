import { useState } from 'react';
import { t } from '../texts';

/** A list or a map, as JSON text; the value changes only once the text is valid JSON. */
export function JsonField({
  common,
  value,
  onChange,
}: {
  common: { id: string; 'aria-describedby': string | undefined };
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  const [text, setText] = useState(() => JSON.stringify(value ?? null, null, 1));
  const [bad, setBad] = useState(false);
  return (
    <>
      <textarea
        {...common}
        aria-invalid={bad || undefined}
        rows={Math.min(8, text.split('\n').length)}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      <span className="muted">{t.setupWizard.settings.jsonHint}</span>
      {bad && <span className="field-error">{t.setupWizard.settings.invalidJson}</span>}
    </>
  );
}
