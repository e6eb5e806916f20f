import { describe, expect, it } from 'vitest';
import { parseMultipart } from './multipart-form.js';

const body = (boundary: string) =>
  Buffer.from(
    [
      `--${boundary}`,
      'Content-Disposition: form-data; name="note"',
      '',
      'hallo',
      `--${boundary}`,
      'Content-Disposition: form-data; name="File"; filename="factuur.pdf"',
      'Content-Type: application/pdf',
      '',
      '%PDF-1.4 data\r\nwith a line break',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );

describe('multipart/form-data reader', () => {
  it('reads fields and files with their name, filename, content type and exact bytes', () => {
    const parts = parseMultipart(body('XyZ'), 'multipart/form-data; boundary=XyZ');
    expect(parts?.map((p) => [p.name, p.filename, p.contentType, p.data.toString()])).toEqual([
      ['note', undefined, undefined, 'hallo'],
      ['File', 'factuur.pdf', 'application/pdf', '%PDF-1.4 data\r\nwith a line break'],
    ]);
  });

  it('accepts a quoted boundary', () => {
    expect(parseMultipart(body('a b'), 'multipart/form-data; boundary="a b"')).toHaveLength(2);
  });

  it('gives undefined for a missing boundary or a truncated body', () => {
    expect(parseMultipart(body('XyZ'), 'multipart/form-data')).toBeUndefined();
    expect(parseMultipart(body('XyZ').subarray(0, 60), 'multipart/form-data; boundary=XyZ')).toBeUndefined();
  });
});
