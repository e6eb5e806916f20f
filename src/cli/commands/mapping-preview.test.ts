import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../main.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const mappingYaml = `
fields:
  name: { source: Name, required: true }
  email: { source: Customer.Email, required: true }
  address.street: { expr: "$splitStreet(AddressLine1).street" }
  address.houseNumber: { expr: "$splitStreet(AddressLine1).houseNumber" }
  vat: { expr: "$lookup('vat', VATCode)" }
valueMaps:
  vat: { entries: { "1": VH } }
`;
const goodSample = {
  ID: 42,
  Name: 'Acme',
  Customer: { Email: 'a@acme.nl' },
  AddressLine1: 'Keizersgracht 123',
  VATCode: 1,
};
const badSample = { ID: 43, Name: 'Beta', AddressLine1: 'Dorpsstraat 1', VATCode: 9 };

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koppel-mapping-preview-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function preview(...args: string[]) {
  const out = new Capture();
  const err = new Capture();
  const code = await runCli(['node', 'koppel', 'mapping', 'preview', ...args], { out, err, env: {} });
  return { code, out: out.text, err: err.text };
}

describe('koppel mapping preview', () => {
  it('prints each sample with its id, output fields and errors, and exits 2 when a sample has errors', async () => {
    const mapping = await file('mapping.yaml', mappingYaml);
    const samples = await file(
      'samples.ndjson',
      `${JSON.stringify(goodSample)}\n\n${JSON.stringify(badSample)}\n`,
    );
    const result = await preview('--mapping', mapping, '--samples', samples, '--id-path', 'ID');
    expect(result.out).toBe(
      [
        'Sample 1 (id 42)',
        '  name = "Acme"',
        '  email = "a@acme.nl"',
        '  address.street = "Keizersgracht"',
        '  address.houseNumber = "123"',
        '  vat = "VH"',
        '',
        'Sample 2 (id 43)',
        '  name = "Beta"',
        '  address.street = "Dorpsstraat"',
        '  address.houseNumber = "1"',
        '  error: field "email" (source Customer.Email): required value is missing [mapping.required_missing]',
        '  error: field "vat" (expr $lookup(\'vat\', VATCode)): value "9" has no entry in value map "vat" and the map has no fallback [mapping.value_unmapped]',
        '',
        '2 samples, 1 with errors, 2 errors',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(2);
  });

  it('exits 0 when every sample maps cleanly', async () => {
    const mapping = await file('mapping.yaml', mappingYaml);
    const samples = await file('samples.json', JSON.stringify([goodSample]));
    const result = await preview('--mapping', mapping, '--samples', samples);
    expect(result.out).toContain('Sample 1\n');
    expect(result.out).toContain('1 sample, 0 with errors, 0 errors');
    expect(result.code).toBe(0);
  });

  it('prints the preview as JSON with --json', async () => {
    const mapping = await file('mapping.json', JSON.stringify({ fields: { name: { source: 'Name' } } }));
    const samples = await file('samples.json', JSON.stringify([goodSample, badSample]));
    const result = await preview('--mapping', mapping, '--samples', samples, '--id-path', 'ID', '--json');
    expect(JSON.parse(result.out)).toEqual({
      results: [
        { index: 0, sourceId: '42', output: { name: 'Acme' }, errors: [] },
        { index: 1, sourceId: '43', output: { name: 'Beta' }, errors: [] },
      ],
      errorCount: 0,
    });
    expect(result.code).toBe(0);
  });

  it('lists the compile errors of a mapping that does not compile and exits 2', async () => {
    const mapping = await file(
      'mapping.yaml',
      'fields:\n  total: { expr: "Amount +" }\n  vat: { expr: "$lookup(" }\n',
    );
    const samples = await file('samples.json', '[{}]');
    const result = await preview('--mapping', mapping, '--samples', samples);
    expect(result.out).toBe(
      'Mapping does not compile:\n' +
        '  error: field "total" (expr Amount +): S0207 at position 8: Unexpected end of expression [mapping.invalid_expression]\n' +
        '  error: field "vat" (expr $lookup(): S0203 at position 8: Expected ")" before end of expression [mapping.invalid_expression]\n',
    );
    expect(result.code).toBe(2);
  });

  it('refuses a mapping file that does not match the schema, naming the path', async () => {
    const mapping = await file('mapping.yaml', 'fields:\n  name: { sourse: Name }\n');
    const samples = await file('samples.json', '[]');
    const result = await preview('--mapping', mapping, '--samples', samples);
    expect(result.err).toMatch(/fields\.name: Unrecognized key: "sourse".*\(mapping\.invalid_definition\)/);
    expect(result.code).toBe(2);
  });

  it('names the line of an NDJSON sample that is not JSON', async () => {
    const mapping = await file('mapping.yaml', mappingYaml);
    const samples = await file('samples.ndjson', '{"ID": 1}\n{"ID": \n');
    const result = await preview('--mapping', mapping, '--samples', samples);
    expect(result.err).toMatch(/samples\.ndjson line 2 is not JSON/);
    expect(result.code).toBe(2);
  });

  it('says which file is missing', async () => {
    const result = await preview('--mapping', join(dir, 'nope.yaml'), '--samples', join(dir, 'nope.json'));
    expect(result.err).toMatch(/Cannot read .*nope\.yaml: no such file/);
    expect(result.code).toBe(3);
  });

  it('describes itself and its options in one line each', async () => {
    const out = new Capture();
    const code = await runCli(['node', 'koppel', 'mapping', '--help'], { out, err: new Capture(), env: {} });
    expect(code).toBe(0);
    expect(out.text).toMatch(
      /^ {2}preview \[options\] +Map sample records through a mapping; writes nothing\.$/m,
    );
    const help = await preview('--help');
    // A wrapped description continues on a line indented to the description column.
    expect(out.text + help.out).not.toMatch(/^ {4,}\S/m);
    for (const flag of [
      '--mapping <file>',
      '--flow <id>',
      '--version <n>',
      '--samples <file>',
      '--id-path <path>',
      '--json',
    ]) {
      expect(help.out).toMatch(new RegExp(`^ {2}${flag.replace(/[[\]]/g, '\\$&')} +\\S.*$`, 'm'));
    }
  });
});
