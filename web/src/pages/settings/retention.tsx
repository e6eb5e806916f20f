import { useQuery } from '@tanstack/react-query';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { QueryState } from '../../components/query-state';
import { formatDateTime } from '../../format';
import { useCan } from '../../session';
import { t } from '../../texts';
import { Description, labelOf, SettingForm, titleOf } from './setting-form';
import { fieldsOf, shown } from './setting-values';

const s = t.settings.retention;
// Retention first: it is what this section is named after; the other installation settings follow.
const order = ['retention', 'deadLetters', 'redaction', 'apiBudgetReserve', 'reconcile'];

/** The installation settings: forms for an owner, their values in words for everyone else. */
export function RetentionSection() {
  const owner = useCan('owner');
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => must(api.GET('/api/settings')) });
  return (
    <QueryState query={settings}>
      {({ items, purge }) => (
        <>
          <section className="card" aria-labelledby="purge-heading">
            <h2 id="purge-heading">{s.purgeHeading}</h2>
            <p>
              {purge.nextAt
                ? s.purgeSchedule(formatDateTime(purge.nextAt), purge.cron)
                : s.purgeNever(purge.cron)}
            </p>
            <ActionButton
              role="owner"
              action={() => must(api.POST('/api/purge'))}
              done={(r) => {
                const p = r as Schemas['PurgeResult'];
                return s.purged(p.payloadsPurged, p.recordsDeleted, p.runsDeleted);
              }}
            >
              {s.purgeNow}
            </ActionButton>
          </section>
          {[...items]
            .sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key))
            .map((setting) =>
              owner ? (
                <SettingForm key={setting.key} setting={setting} />
              ) : (
                <SettingValues key={setting.key} setting={setting} />
              ),
            )}
        </>
      )}
    </QueryState>
  );
}

/** A setting read-only: each field in effect and by default. */
function SettingValues({ setting }: { setting: Schemas['Setting'] }) {
  const fields = fieldsOf(setting.key, setting.default);
  const effective = fieldsOf(setting.key, setting.effective);
  return (
    <section className="card" aria-labelledby={`setting-${setting.key}`}>
      <h2 id={`setting-${setting.key}`}>{titleOf(setting.key)}</h2>
      <Description text={setting.description} />
      <table>
        <thead>
          <tr>
            <th scope="col">{s.fieldColumn}</th>
            <th scope="col">{s.inEffect}</th>
            <th scope="col">{s.defaultColumn}</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => (
            <tr key={f.path}>
              <th scope="row">{labelOf(setting.key, f.name)}</th>
              <td>{shown(effective.find((e) => e.path === f.path)?.defaultValue, s)}</td>
              <td>{shown(f.defaultValue, s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
