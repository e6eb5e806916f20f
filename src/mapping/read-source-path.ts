/**
 * Plain source paths (`Customer.Email`, `Lines[0].Item`) are read without JSONata: most fields of
 * a mapping are plain paths and the engine maps thousands of records a second.
 *
 * A path is names separated by dots, each optionally followed by array indices in brackets. Names
 * are taken literally (spaces allowed); a key that contains a dot or a bracket needs an expression.
 * Only own properties are read, and a name never reaches into an array (`Lines.Item` gives
 * nothing; JSONata's `Lines.Item` maps over the lines).
 */
export type PathStep = string | number;

const segmentPattern = /^([^.[\]]*)((?:\[\d+\])*)$/;

/** The steps of a source path, or a message saying what is wrong with it. */
export function parseSourcePath(path: string): PathStep[] | { problem: string } {
  const text = path.trim();
  if (text === '') return { problem: 'the path is empty' };
  const steps: PathStep[] = [];
  const segments = text.split('.');
  for (const [i, segment] of segments.entries()) {
    const m = segmentPattern.exec(segment);
    const name = m?.[1] ?? '';
    const indices = m?.[2] ?? '';
    if (!m || (name === '' && (indices === '' || i > 0))) {
      return { problem: `"${segment}" is not a name with optional [index] parts` };
    }
    if (name !== '') steps.push(name);
    for (const index of indices.matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
  }
  return steps;
}

/** The value at `steps` inside `value`, or undefined when any step is missing. */
export function readSourcePath(value: unknown, steps: readonly PathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      if (!Object.hasOwn(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

/** Whether a text reads as a plain source path rather than an expression. */
export function isSourcePath(text: string): boolean {
  return !('problem' in parseSourcePath(text)) && !/[\s$()'"]/.test(text);
}
