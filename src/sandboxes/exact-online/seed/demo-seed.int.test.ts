import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

let sandbox: TestSandbox;
let token: string;
const main = '/api/v1/3215711';
const now = '2026-03-10T09:00:00.000Z';

beforeAll(async () => {
  sandbox = await startTestSandbox('demo', now);
  // Many counting calls: lift the minutely limit rather than wait for windows.
  await fetch(`${sandbox.url}/__sandbox/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ minutelyLimit: 10_000 }),
  });
  token = await sandbox.token();
});
afterAll(async () => {
  await sandbox.close();
});

async function count(path: string, filter?: string, division = main): Promise<number> {
  const query = filter === undefined ? '' : `?$filter=${encodeURIComponent(filter)}`;
  const res = await sandbox.call('GET', `${division}/${path}/$count${query}`, token);
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text).toMatch(/^\d+$/);
  return Number(text);
}

async function rows(path: string, query: string, division = main): Promise<Array<Record<string, unknown>>> {
  const res = await sandbox.call('GET', `${division}/${path}?${query}`, token);
  expect(res.status).toBe(200);
  return ((await res.json()) as { d: { results: Array<Record<string, unknown>> } }).d.results;
}

function day(offsetDays: number): string {
  return new Date(Date.parse(now) - offsetDays * 86_400_000).toISOString().slice(0, 10);
}

describe('demo seed through the API: accounts', () => {
  it('has 200+ accounts in the main division and fewer in the others', async () => {
    const total = await count('crm/Accounts', "Name ne ''");
    expect(total).toBeGreaterThanOrEqual(200);
    for (const division of ['/api/v1/3215712', '/api/v1/3215713']) {
      const other = await count('crm/Accounts', "Name ne ''", division);
      expect(other).toBeGreaterThanOrEqual(40);
      expect(other).toBeLessThan(total);
    }
  });

  it('sells in NL, BE, DE and FR and outside the EU', async () => {
    const perCountry: Record<string, number> = {};
    for (const country of ['NL', 'BE', 'DE', 'FR', 'US', 'GB', 'CH'])
      perCountry[country] = await count('crm/Accounts', `Country eq '${country}'`);
    expect(perCountry['NL']).toBeGreaterThanOrEqual(100);
    for (const country of ['BE', 'DE', 'FR']) expect(perCountry[country]).toBeGreaterThanOrEqual(10);
    for (const country of ['US', 'GB', 'CH']) expect(perCountry[country]).toBeGreaterThanOrEqual(1);
    expect(Object.values(perCountry).reduce((a, b) => a + b, 0)).toBe(
      await count('crm/Accounts', "Name ne ''"),
    );
    // The Belgian division's customers are mostly Belgian.
    const be = '/api/v1/3215713';
    expect(await count('crm/Accounts', "Country eq 'BE'", be)).toBeGreaterThan(
      (await count('crm/Accounts', "Name ne ''", be)) / 2,
    );
  });

  it('mixes companies and private persons, customers, prospects, suspects and suppliers', async () => {
    const eu = "(Country eq 'NL' or Country eq 'BE' or Country eq 'DE' or Country eq 'FR')";
    expect(await count('crm/Accounts', `VATNumber eq null and ${eu}`)).toBeGreaterThanOrEqual(50);
    expect(await count('crm/Accounts', `VATNumber ne null and ${eu}`)).toBeGreaterThanOrEqual(100);
    const nlCompanies = await count('crm/Accounts', "Country eq 'NL' and VATNumber ne null");
    expect(await count('crm/Accounts', "Country eq 'NL' and ChamberOfCommerce ne null")).toBe(nlCompanies);
    expect(await count('crm/Accounts', "Status eq 'C'")).toBeGreaterThanOrEqual(150);
    expect(await count('crm/Accounts', "Status eq 'P'")).toBeGreaterThan(0);
    expect(await count('crm/Accounts', "Status eq 'S'")).toBeGreaterThan(0);
    expect(await count('crm/Accounts', 'IsSupplier eq true')).toBeGreaterThanOrEqual(10);
    expect(await count('crm/Accounts', 'Blocked eq true')).toBeGreaterThan(0);
    expect(await count('crm/Accounts', 'Email eq null or Phone eq null or City eq null')).toBe(0);
  });

  it('writes VAT numbers in each country’s format with valid check digits', async () => {
    const formats: Record<string, RegExp> = {
      NL: /^NL\d{9}B\d{2}$/,
      BE: /^BE0\d{9}$/,
      DE: /^DE\d{9}$/,
      FR: /^FR\d{2}\d{9}$/,
      GB: /^GB\d{9}$/,
      CH: /^CHE-\d{3}\.\d{3}\.\d{3} MWST$/,
    };
    for (const [country, format] of Object.entries(formats)) {
      const found = await rows(
        'crm/Accounts',
        `$filter=${encodeURIComponent(`Country eq '${country}' and VATNumber ne null`)}&$select=VATNumber,SalesVATCode`,
      );
      expect(found.length).toBeGreaterThan(0);
      for (const row of found) expect(String(row['VATNumber'])).toMatch(format);
      if (country === 'BE')
        for (const row of found) {
          const vat = String(row['VATNumber']);
          expect(97 - (Number(vat.slice(2, 10)) % 97)).toBe(Number(vat.slice(10)));
        }
    }
  });

  it('gives EU companies the intra-community code, EU persons OSS, the rest of the world export', async () => {
    expect(
      await count(
        'crm/Accounts',
        "Country eq 'DE' and VATNumber ne null and SalesVATCode ne 'ICL' and Status eq 'C'",
      ),
    ).toBe(0);
    expect(
      await count('crm/Accounts', "Country eq 'DE' and VATNumber eq null and SalesVATCode eq 'ODH'"),
    ).toBeGreaterThan(0);
    expect(
      await count('crm/Accounts', "Country eq 'FR' and VATNumber eq null and SalesVATCode eq 'OFH'"),
    ).toBeGreaterThan(0);
    expect(
      await count(
        'crm/Accounts',
        "(Country eq 'US' or Country eq 'CH') and SalesVATCode ne 'EX' and Status eq 'C'",
      ),
    ).toBe(0);
    expect(await count('crm/Accounts', "Country eq 'NL' and Status eq 'C' and SalesVATCode ne 'VH'")).toBe(0);
  });
});

describe('demo seed through the API: VAT codes', () => {
  it('has domestic, reduced, zero, intra-community, export and OSS codes with the right rates', async () => {
    const codes = await rows(
      'vat/VATCodes',
      '$select=Code,Percentage,Type,VATTransactionType,EUSalesListing,OssCountry,Charged,LegalText',
    );
    const byCode = new Map(codes.map((c) => [String(c['Code']), c]));
    expect(byCode.get('VH')).toMatchObject({ Percentage: 0.21, Type: 'E' });
    expect(byCode.get('VL')).toMatchObject({ Percentage: 0.09, Type: 'E' });
    expect(byCode.get('V0')).toMatchObject({ Percentage: 0 });
    expect(byCode.get('ICL')).toMatchObject({ Percentage: 0, VATTransactionType: 'S', EUSalesListing: 'L' });
    expect(byCode.get('ICD')).toMatchObject({ Percentage: 0, EUSalesListing: 'S' });
    expect(byCode.get('EX')).toMatchObject({ Percentage: 0, VATTransactionType: 'S', EUSalesListing: 'N' });
    expect(String(byCode.get('EX')?.['LegalText'])).toContain('146');
    expect(byCode.get('ODH')).toMatchObject({ Percentage: 0.19, OssCountry: 'DE' });
    expect(byCode.get('ODL')).toMatchObject({ Percentage: 0.07, OssCountry: 'DE' });
    expect(byCode.get('OFH')).toMatchObject({ Percentage: 0.2, OssCountry: 'FR' });
    expect(byCode.get('OFL')).toMatchObject({ Percentage: 0.055, OssCountry: 'FR' });
    expect(byCode.get('OBH')).toMatchObject({ Percentage: 0.21, OssCountry: 'BE' });
    expect(byCode.has('ONH')).toBe(false);
    expect(byCode.get('IVH')).toMatchObject({ Charged: true, VATTransactionType: 'P' });
    expect(await count('vat/VATCodes', 'OssCountry ne null')).toBe(6);
  });

  it('uses Belgian rates in the Belgian division, with OSS to the Netherlands', async () => {
    const be = '/api/v1/3215713';
    const codes = await rows('vat/VATCodes', '$select=Code,Percentage,OssCountry', be);
    const byCode = new Map(codes.map((c) => [String(c['Code']), c]));
    expect(byCode.get('VL')).toMatchObject({ Percentage: 0.06 });
    expect(byCode.get('ONL')).toMatchObject({ Percentage: 0.09, OssCountry: 'NL' });
    expect(byCode.has('OBH')).toBe(false);
  });
});

describe('demo seed through the API: items', () => {
  it('has 300+ items, stock and non-stock, with barcodes, prices and variants', async () => {
    const total = await count('logistics/Items', "Code ne ''");
    expect(total).toBeGreaterThanOrEqual(300);
    const stock = await count('logistics/Items', "Code ne '' and IsStockItem eq true");
    const nonStock = await count('logistics/Items', "Code ne '' and IsStockItem eq false");
    expect(stock).toBeGreaterThanOrEqual(200);
    expect(nonStock).toBeGreaterThanOrEqual(10);
    expect(stock + nonStock).toBe(total);
    expect(await count('logistics/Items', 'Barcode ne null')).toBe(stock);
    expect(await count('logistics/Items', "Code ne '' and StandardSalesPrice le 0")).toBe(0);
    expect(
      await count(
        'logistics/Items',
        "Code ne '' and IsStockItem eq true and (CostPriceStandard eq null or PictureUrl eq null)",
      ),
    ).toBe(0);
    // A bicycle in four frame sizes and three colours: twelve variant items.
    const variants = await rows(
      'logistics/Items',
      `$filter=${encodeURIComponent("startswith(Code,'SF-CLA-')")}&$select=Code,Description,FreeTextField_01,FreeTextField_02`,
    );
    expect(variants).toHaveLength(12);
    expect(new Set(variants.map((v) => v['FreeTextField_01']))).toEqual(
      new Set(['Zwart', 'Donkerblauw', 'Mosgroen']),
    );
    expect(new Set(variants.map((v) => v['FreeTextField_02'])).size).toBe(4);
    expect(await count('logistics/Items', "Code ne '' and SalesVatCode eq 'VL'")).toBeGreaterThan(0);
  });

  it('gives every barcode a valid EAN-13 check digit', async () => {
    const found = await rows(
      'logistics/Items',
      `$filter=${encodeURIComponent("startswith(Code,'BIB')")}&$select=Barcode`,
    );
    expect(found.length).toBeGreaterThan(5);
    for (const row of found) {
      const code = String(row['Barcode']);
      expect(code).toMatch(/^\d{13}$/);
      const sum = [...code.slice(0, 12)].reduce((a, d, i) => a + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
      expect((10 - (sum % 10)) % 10).toBe(Number(code[12]));
    }
  });
});

describe('demo seed through the API: sales orders', () => {
  it('has 1,000+ orders in every status, with matching delivery and invoice statuses', async () => {
    const total = await count('salesorder/SalesOrders');
    expect(total).toBeGreaterThanOrEqual(1000);
    let sum = 0;
    for (const status of [12, 20, 21, 45]) {
      const n = await count('salesorder/SalesOrders', `Status eq ${status}`);
      expect(n).toBeGreaterThan(10);
      sum += n;
    }
    expect(sum).toBe(total);
    for (const status of [12, 21, 45])
      expect(
        await count(
          'salesorder/SalesOrders',
          `Status eq ${status} and (DeliveryStatus ne ${status} or InvoiceStatus ne ${status})`,
        ),
      ).toBe(0);
    expect(
      await count('salesorder/SalesOrders', 'Status eq 20 and DeliveryStatus eq 12 and InvoiceStatus eq 12'),
    ).toBe(0);
    expect(
      await count('salesorder/SalesOrders', 'Status eq 20 and DeliveryStatus eq 21 and InvoiceStatus eq 21'),
    ).toBe(0);
    expect(await count('salesorder/SalesOrders', 'Status eq 20 and DeliveryStatus eq 20')).toBeGreaterThan(0);
    expect(await count('salesorder/SalesOrders', 'Status eq 20 and DeliveryStatus eq 21')).toBeGreaterThan(0);
  });

  it('spreads the orders over the twelve months before the clock, none later', async () => {
    for (let month = 0; month < 12; month++) {
      const from = day((month + 1) * 30);
      const to = day(month * 30);
      const n = await count(
        'salesorder/SalesOrders',
        `OrderDate gt datetime'${from}' and OrderDate le datetime'${to}'`,
      );
      expect(n, `orders from ${from} to ${to}`).toBeGreaterThanOrEqual(40);
    }
    expect(await count('salesorder/SalesOrders', `OrderDate gt datetime'${day(0)}'`)).toBe(0);
    expect(await count('salesorder/SalesOrders', `OrderDate le datetime'${day(365)}'`)).toBe(0);
    // Recent orders are still open more often than old ones.
    expect(await count('salesorder/SalesOrders', `Status eq 12 and OrderDate le datetime'${day(90)}'`)).toBe(
      0,
    );
    expect(
      await count('salesorder/SalesOrders', `Status eq 12 and OrderDate gt datetime'${day(14)}'`),
    ).toBeGreaterThan(0);
  });

  it('has 1–8 lines per order, webshop references, and some orders in USD and GBP', async () => {
    const page = await rows(
      'salesorder/SalesOrders',
      '$expand=SalesOrderLines&$select=OrderID,SalesOrderLines/ID&$orderby=OrderNumber',
    );
    expect(page).toHaveLength(60);
    const lineCounts = page.map((o) => (o['SalesOrderLines'] as { results: unknown[] }).results.length);
    expect(Math.min(...lineCounts)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...lineCounts)).toBeLessThanOrEqual(8);
    expect(Math.max(...lineCounts)).toBeGreaterThan(3);
    const total = await count('salesorder/SalesOrders');
    expect(await count('salesorder/SalesOrders', "startswith(YourRef,'WS')")).toBeGreaterThan(50);
    expect(await count('salesorder/SalesOrders', 'YourRef eq null')).toBeGreaterThan(50);
    expect(await count('salesorder/SalesOrders', "Currency eq 'USD'")).toBeGreaterThan(0);
    expect(await count('salesorder/SalesOrders', "Currency eq 'GBP'")).toBeGreaterThan(0);
    expect(await count('salesorder/SalesOrders', "Currency eq 'EUR'")).toBeGreaterThan(total * 0.9);
  });

  it('has orders in the other divisions too', async () => {
    for (const division of ['/api/v1/3215712', '/api/v1/3215713'])
      expect(await count('salesorder/SalesOrders', undefined, division)).toBeGreaterThanOrEqual(100);
  });
});

describe('demo seed through the API: sales invoices', () => {
  const divisions = [main, '/api/v1/3215712', '/api/v1/3215713'];

  it('has 1,000+ invoices across the demo, in every status, for most partial and complete orders', async () => {
    let total = 0;
    for (const division of divisions) {
      const invoices = await count('salesinvoice/SalesInvoices', 'Status ne 0', division);
      // Draft 10, open 20 and processed 50 in every division.
      let perStatus = 0;
      for (const status of [10, 20, 50]) {
        const n = await count('salesinvoice/SalesInvoices', `Status eq ${status}`, division);
        expect(n, `${division} status ${status}`).toBeGreaterThan(0);
        perStatus += n;
      }
      expect(perStatus).toBe(invoices);
      // About 90 % of the partial (20) and complete (21) orders are invoiced.
      const billable = await count('salesorder/SalesOrders', 'Status eq 20 or Status eq 21', division);
      const fromOrders = await count('salesinvoice/SalesInvoices', 'OrderNumber ne null', division);
      expect(fromOrders).toBeGreaterThanOrEqual(Math.floor(billable * 0.8));
      expect(fromOrders).toBeLessThanOrEqual(billable);
      total += invoices;
    }
    expect(total).toBeGreaterThanOrEqual(1000);
  });

  it('dates the invoices over the twelve months up to the clock, none later', async () => {
    const filter = (from: string, to: string) =>
      `InvoiceDate ge datetime'${from}' and InvoiceDate le datetime'${to}'`;
    const all = await count('salesinvoice/SalesInvoices', 'Status ne 0');
    expect(await count('salesinvoice/SalesInvoices', filter(day(366), day(0)))).toBe(all);
    expect(await count('salesinvoice/SalesInvoices', filter(day(365), day(300)))).toBeGreaterThan(0);
    expect(await count('salesinvoice/SalesInvoices', filter(day(30), day(0)))).toBeGreaterThan(0);
  });
});
