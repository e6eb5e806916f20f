import type { MappingDefinition } from '../../mapping/types.js';

/**
 * The products mapping that works on the sandboxes' demo data unchanged: an Exact item (record
 * shape: `exact-items-source.ts`) to Koppel's article fields (`article-fields.ts`), which the target
 * writer turns into Asperion's properties. `overwrite: false` is the field's update switch off: the
 * field is written when the article is created and never again, so what is enriched in Asperion
 * (texts, category) survives; such a field's changes in Exact also cost no update.
 */
export const productsDefaultMapping: MappingDefinition = {
  fields: {
    code: { source: 'Code', required: true },
    description: { source: 'Description', required: true },
    salesTypeId: { source: 'SalesVatCode', valueMap: 'salesTypes', required: true },
    price: { source: 'Price.Amount' },
    currency: { source: 'Price.Currency' },
    unit: { source: 'Unit' },
    active: { source: 'Active' },
    ean: { source: 'Barcode' },
    shortDescription: { source: 'ExtraDescription', overwrite: false },
    longDescription: { source: 'Notes', overwrite: false },
    imageUrl: { source: 'PictureUrl' },
    category: { source: 'ItemGroup.Description', overwrite: false },
    // Extra fields (colour, size, brand, …) and the variant attributes the settings name.
    features: {
      expr: "[Features.{'name': Label, 'value': Value}, Attributes.{'name': Label, 'value': Value}]",
    },
  },
  valueMaps: {
    /**
     * Exact sales VAT code → Asperion sales type (which decides the article's VAT and revenue
     * account): the demo's high, low and 0 % rate (`V0`, e.g. gift vouchers). No fallback: an item
     * with another code fails rather than selling at a wrong rate (`koppel check` lists it).
     */
    salesTypes: { entries: { VH: 1, VL: 2, V0: 6 } },
  },
};
