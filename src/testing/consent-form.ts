/**
 * Test-only: a provider's consent page handled as a browser would. The page is fetched, its form
 * read (hidden fields, text fields, checkboxes with their `checked` state, submit buttons), the
 * person's answers filled in, and the form posted to its action; the provider's redirect back is
 * answered, not followed.
 */
export interface ConsentAnswers {
  /** Text fields to fill in (e.g. username and password). */
  fields?: Record<string, string>;
  /** For a checkbox name, exactly these values checked; others as the page has them. */
  checkboxes?: Record<string, string[]>;
  /** The value of the submit button pressed (`approve`, `allow`, `deny`). */
  button: string;
}

interface Input {
  name: string;
  value: string;
  type: string;
  checked: boolean;
}

const attribute = (tag: string, name: string): string | undefined => {
  const m =
    new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag) ?? new RegExp(`\\s${name}(?=[\\s>])`, 'i').exec(tag);
  return m ? unescape(m[1] ?? '') : undefined;
};

function unescape(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** The consent page at `url` submitted with `answers`; answers the redirect's Location. */
export async function submitConsent(url: string, answers: ConsentAnswers): Promise<string> {
  const page = await fetch(url);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page ${url}: ${page.status} ${html.slice(0, 300)}`);
  const form = /<form[^>]*>[\s\S]*?<\/form>/i.exec(html)?.[0];
  if (!form) throw new Error(`no form on the consent page: ${html.slice(0, 300)}`);
  const action = attribute(/<form[^>]*>/i.exec(form)?.[0] ?? '', 'action') ?? '';
  const inputs: Input[] = [...form.matchAll(/<input[^>]*>/gi)].map(([tag]) => ({
    name: attribute(tag, 'name') ?? '',
    value: attribute(tag, 'value') ?? '',
    type: (attribute(tag, 'type') ?? 'text').toLowerCase(),
    checked: attribute(tag, 'checked') !== undefined,
  }));
  const body = new URLSearchParams();
  for (const input of inputs) {
    if (!input.name) continue;
    if (input.type === 'checkbox') {
      const wanted = answers.checkboxes?.[input.name];
      if (wanted ? wanted.includes(input.value) : input.checked) body.append(input.name, input.value);
    } else body.append(input.name, answers.fields?.[input.name] ?? input.value);
  }
  const button = [...form.matchAll(/<button[^>]*>/gi)]
    .map(([tag]) => ({ name: attribute(tag, 'name'), value: attribute(tag, 'value') }))
    .find((b) => b.value === answers.button);
  if (!button?.name) throw new Error(`no submit button "${answers.button}" on the consent page`);
  body.append(button.name, answers.button);
  const res = await fetch(new URL(action, url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  if (res.status !== 302 && res.status !== 303)
    throw new Error(`consent answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  if (!location) throw new Error('consent redirect without a Location');
  return new URL(location, url).toString();
}
