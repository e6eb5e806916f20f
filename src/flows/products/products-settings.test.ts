import { describe, expect, it } from 'vitest';
import { productsSettingsSchema, unconfirmedArticleFields } from './settings.js';

describe('products settings', () => {
  it('default to the documented article: excl. VAT in EUR, sales items only, no unconfirmed field sent', () => {
    const settings = productsSettingsSchema.parse({});
    expect(settings).toMatchObject({
      price: 'exclVat',
      currency: 'EUR',
      followPriceChanges: true,
      filters: { itemGroups: null, webshopOnly: false, salesOnly: true, stock: 'all', expression: null },
      variants: { attributes: {}, inDescription: false },
    });
    for (const field of unconfirmedArticleFields) expect(settings.articleProperties[field]).toBeNull();
  });

  it('refuses what cannot be meant: an unknown field, a property name with spaces, an assortment beyond 10', () => {
    expect(productsSettingsSchema.safeParse({ articleProperties: { weight: 'weight' } }).success).toBe(false);
    expect(productsSettingsSchema.safeParse({ articleProperties: { ean: 'the ean' } }).success).toBe(false);
    expect(productsSettingsSchema.safeParse({ variants: { attributes: { '11': 'Maat' } } }).success).toBe(
      false,
    );
    expect(productsSettingsSchema.safeParse({ currency: 'euro' }).success).toBe(false);
    const broken = productsSettingsSchema.safeParse({ filters: { expression: 'IsWebshopItem and (' } });
    expect(broken.error?.issues[0]).toMatchObject({
      path: ['filters', 'expression'],
      message: expect.stringMatching(/^does not compile: .*Expected "\)"/),
    });
    expect(
      productsSettingsSchema.safeParse({ price: 'inclVat', articleProperties: { ean: 'ean' } }).success,
    ).toBe(true);
  });
});
