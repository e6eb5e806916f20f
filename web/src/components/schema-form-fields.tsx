import { t } from '../texts';
import { JsonField } from './schema-json-field';

/** The part of JSON Schema (as the API answers settings schemas) that a form is generated from. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
}

type Value = Record<string, unknown>;

/** Field errors by dotted path (`debtor.matchBy`), as the API names the field it refused. */
export type FieldErrors = Record<string, string>;

/**
 * A form generated from a settings schema: one field per property, grouped as the schema nests
 * them, with each field's description and default, and the API's message at the field it refused.
 * Values the form has no control for (lists, maps) are edited as JSON.
 */
export function SchemaFormFields({
  schema,
  value,
  onChange,
  errors,
  path = [],
}: {
  schema: JsonSchema;
  value: Value;
  onChange: (next: Value) => void;
  errors: FieldErrors;
  path?: string[];
}) {
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, property]) => (
        <SchemaField
          key={key}
          name={key}
          schema={property}
          value={value[key]}
          onChange={(v) => onChange(withKey(value, key, v))}
          errors={errors}
          path={[...path, key]}
        />
      ))}
    </>
  );
}

function SchemaField(props: {
  name: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (v: unknown) => void;
  errors: FieldErrors;
  path: string[];
}) {
  const { name, value, onChange, errors, path } = props;
  const { schema, nullable } = unwrapNullable(props.schema);
  const id = `setting-${path.join('-')}`;
  const error = errors[path.join('.')];
  const described = [
    schema.description || props.schema.description ? `${id}-about` : '',
    error ? `${id}-error` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const about = (
    <>
      {(props.schema.description ?? schema.description) && (
        <span id={`${id}-about`} className="muted about">
          {props.schema.description ?? schema.description}
          {props.schema.default !== undefined && !isObject(props.schema.default)
            ? ` ${t.setupWizard.settings.defaultIs(JSON.stringify(props.schema.default))}`
            : ''}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </>
  );
  const label = humanize(name);
  if (schema.type === 'object' && schema.properties && Object.keys(schema.properties).length > 0)
    return (
      <fieldset>
        <legend>{label}</legend>
        {about}
        <SchemaFormFields
          schema={schema}
          value={isObject(value) ? value : {}}
          onChange={onChange}
          errors={errors}
          path={path}
        />
      </fieldset>
    );
  const common = {
    id,
    'aria-describedby': described || undefined,
    'aria-invalid': error ? true : undefined,
  };
  let control;
  if (schema.enum)
    control = (
      <select
        {...common}
        value={value == null ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      >
        {nullable && <option value="">{t.setupWizard.settings.empty}</option>}
        {schema.enum.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  else if (schema.type === 'boolean')
    control = (
      <input
        {...common}
        type="checkbox"
        checked={value === true}
        onChange={(e) => onChange(e.target.checked)}
      />
    );
  else if (schema.type === 'integer' || schema.type === 'number')
    control = (
      <input
        {...common}
        type="number"
        step={schema.type === 'integer' ? 1 : 'any'}
        min={schema.minimum}
        max={schema.maximum}
        value={typeof value === 'number' ? value : ''}
        onChange={(e) =>
          onChange(e.target.value === '' ? (nullable ? null : undefined) : Number(e.target.value))
        }
      />
    );
  else if (schema.type === 'string')
    control = (
      <input
        {...common}
        type="text"
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' && nullable ? null : e.target.value)}
      />
    );
  else control = <JsonField common={common} value={value} onChange={onChange} />;
  return (
    <div className={schema.type === 'boolean' ? 'field check' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {control}
      {about}
    </div>
  );
}

function unwrapNullable(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const options = schema.anyOf ?? [];
  const notNull = options.filter((o) => o.type !== 'null');
  if (options.length === 2 && notNull.length === 1 && notNull[0])
    return { schema: notNull[0], nullable: true };
  return { schema, nullable: false };
}

const isObject = (v: unknown): v is Value => typeof v === 'object' && v !== null && !Array.isArray(v);

function withKey(value: Value, key: string, v: unknown): Value {
  const next = { ...value };
  if (v === undefined) delete next[key];
  else next[key] = v;
  return next;
}

/** `vatPayableAccountId` → `Vat payable account id`: a setting's name as a label. */
function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
