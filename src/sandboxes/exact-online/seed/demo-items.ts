import { createRecord } from '../entities/entity-store.js';
import { itemsEntity } from '../entities/items.js';
import type { DemoItemGroup, DemoUnit, ProductFamily } from './demo-catalog.js';
import { colourCodes, productFamilies } from './demo-catalog.js';
import { ean13 } from './demo-identifiers.js';
import type { SeedContext } from './seed-context.js';

/** One seeded item, as later steps (orders, prices, stock, invoices) need it. */
export interface DemoItem {
  id: string;
  code: string;
  description: string;
  group: DemoItemGroup;
  /** Sales price excluding VAT (EUR) and standard cost price. */
  price: number;
  cost: number;
  /** The domestic sales VAT code (VH, VL or V0). */
  vatCode: 'VH' | 'VL' | 'V0';
  stock: boolean;
  unit: DemoUnit;
  barcode: string | null;
  /** The family code the variant belongs to (e.g. `SF-CLA` for `SF-CLA-53-ZW`). */
  family: string;
  size: string | null;
  colour: string | null;
}

/** Which product groups each division sells: all of them in the main shop, less elsewhere. */
const groupsPerDivision: Readonly<Record<number, readonly DemoItemGroup[] | 'all'>> = {
  3215711: 'all',
  3215712: ['EBIKE', 'ONDERDEEL', 'ACCES', 'KLEDING', 'BOEK', 'OVERIG'],
  3215713: ['FIETS', 'EBIKE', 'ACCES', 'KLEDING', 'DIENST', 'VERHUUR', 'OVERIG'],
};

function sizeCode(size: string): string {
  const bare = size.replace(/ (cm|inch|mm|ml|fietsen)$/, '');
  const compact = bare.replace(/[^A-Za-z0-9.]+/g, '');
  if (compact.length <= 6) return compact.toUpperCase();
  // Longer names: three letters of the first word, initials of the rest, numbers in full.
  return bare
    .split(/[\s-]+/)
    .map((w, i) => (/\d/.test(w) ? w : i === 0 ? w.slice(0, 3) : w.slice(0, 1)))
    .join('')
    .toUpperCase();
}

interface Variant {
  family: ProductFamily;
  code: string;
  description: string;
  size: string | null;
  colour: string | null;
}

/** Every size × colour of a family as its own item, like an assortment of variants. */
function variantsOf(family: ProductFamily): Variant[] {
  const sizes: Array<string | null> = family.sizes ? [...family.sizes] : [null];
  const colours: Array<string | null> = family.colours ? [...family.colours] : [null];
  return sizes.flatMap((size) =>
    colours.map((colour) => ({
      family,
      code: [family.code, size && sizeCode(size), colour && colourCodes[colour]].filter(Boolean).join('-'),
      description: [family.name, size, colour].filter(Boolean).join(' ').slice(0, 60),
      size,
      colour,
    })),
  );
}

/** The whole range in a fixed order; the position gives the barcode, the same in every division. */
export const demoVariants: readonly Variant[] = productFamilies.flatMap(variantsOf);

function price(family: ProductFamily, size: string | null): number {
  // Vouchers carry their face value in the size; everything else has one price per family.
  return family.code === 'BON' && size ? Number(size) : family.price;
}

/** The division's items, created through the store. */
export function seedItems(ctx: SeedContext): DemoItem[] {
  const prng = ctx.prng('items');
  const groups = groupsPerDivision[ctx.division.code] ?? 'all';
  const items: DemoItem[] = [];
  for (const [index, variant] of demoVariants.entries()) {
    const { family } = variant;
    if (groups !== 'all' && !groups.includes(family.group)) continue;
    const id = prng.guid();
    const barcode = family.stock ? ean13(`8719326${String(10000 + index).padStart(5, '0')}`) : null;
    const item: DemoItem = {
      id,
      code: variant.code,
      description: variant.description,
      group: family.group,
      price: price(family, variant.size),
      cost: family.cost,
      vatCode: family.vat,
      stock: family.stock,
      unit: family.unit,
      barcode,
      family: family.code,
      size: variant.size,
      colour: variant.colour,
    };
    const row = {
      ID: id,
      Code: item.code,
      Description: item.description,
      ExtraDescription: family.extra ?? null,
      SearchCode: family.code,
      IsSalesItem: true,
      IsPurchaseItem: family.stock,
      IsStockItem: family.stock,
      IsWebshopItem: family.group === 'DIENST' || family.group === 'VERHUUR' ? 0 : 1,
      SalesVatCode: family.vat,
      Unit: family.unit,
      Barcode: barcode,
      CostPriceStandard: family.stock ? family.cost : null,
      AverageCost: family.stock ? family.cost : null,
      NetWeight: family.weight ?? null,
      GrossWeight: family.weight === undefined ? null : Math.round(family.weight * 1150) / 1000,
      NetWeightUnit: family.weight === undefined ? null : 'kg',
      // Free fields carry what a webshop calls attributes (reference 7.4, 7.6).
      FreeTextField_01: variant.colour,
      FreeTextField_02: variant.size,
      FreeTextField_03: family.brand ?? null,
      FreeBoolField_01: family.group === 'EBIKE' || family.code === 'ACCU',
      FreeNumberField_01: family.code === 'ACCU' || family.group === 'EBIKE' ? 36 : null,
      IsFractionAllowedItem: family.unit === 'hour',
      Notes: prng.int(0, 9) === 0 ? 'Levertijd bij leverancier 2 tot 3 weken.' : null,
    };
    const record = createRecord(itemsEntity, ctx.data, { row, children: {} }, ctx.now, ctx.settings);
    // Read-only in the API (reference 7.4): set directly, as Exact fills them itself.
    record.row['StandardSalesPrice'] = item.price;
    if (family.stock) {
      const picture = `${item.code.toLowerCase()}.jpg`;
      const path = `/docs/SysImage.aspx?Table=Items&ID=${id}`;
      Object.assign(record.row, {
        PictureName: picture,
        PictureUrl: path,
        PictureThumbnailUrl: `${path}&ThumbSize=96`,
      });
    }
    items.push(item);
  }
  return items;
}
