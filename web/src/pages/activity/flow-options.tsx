import { useQuery } from '@tanstack/react-query';
import { api, must } from '../../api/client';

/** The flows the reader may see, as the options of a filter: "any flow" first. */
export function FlowOptions({ any }: { any: string }) {
  const flows = useQuery({ queryKey: ['flows'], queryFn: () => must(api.GET('/api/flows')) });
  return (
    <>
      <option value="">{any}</option>
      {(flows.data?.items ?? []).map((f) => (
        <option key={f.id} value={f.id}>
          {f.id}
        </option>
      ))}
    </>
  );
}
