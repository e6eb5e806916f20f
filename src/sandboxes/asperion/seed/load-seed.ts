import { defaultPassword, defaultUsername } from '../credentials.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { addAdministration, clearData } from '../state/sandbox-state.js';
import { seedDemoBusiness } from './demo-business.js';
import { seedReferenceData } from './reference-data.js';

export const seedNames = ['demo', 'empty'] as const;
export type SeedName = (typeof seedNames)[number];

/** A user who owns administration 3, so tests can show that a reachable-looking id is refused. */
export const otherUsername = 'other@koppel.test';
export const otherPassword = 'other';

/**
 * Both seeds have the same users and administrations (two for the demo user, so the tenant header
 * gets exercised, §6.5). `empty` stops there; `demo` adds reference data and a business per
 * administration. Administration 2 lacks inTrade, to show package gating (§2.11).
 */
export function loadSeed(state: SandboxState, seed: SeedName): void {
  clearData(state);
  state.users.push(
    {
      username: defaultUsername,
      password: defaultPassword,
      profileName: 'Demo Gebruiker',
      administrationIds: [1, 2],
      defaultAdministrationId: 1,
    },
    {
      username: otherUsername,
      password: otherPassword,
      profileName: 'Andere Gebruiker',
      administrationIds: [3],
      defaultAdministrationId: 3,
    },
  );
  const bakery = addAdministration(state, {
    id: 1,
    name: 'Bakkerij Van Dijk B.V.',
    telephoneNumber: '030-1234567',
    email: 'administratie@bakkerijvandijk.nl',
    packages: { inBalance: true, inTrade: true },
  });
  const consultancy = addAdministration(state, {
    id: 2,
    name: 'Adviesbureau Jansen',
    telephoneNumber: '020-7654321',
    email: 'info@adviesbureaujansen.nl',
    packages: { inBalance: true, inTrade: false },
  });
  const painter = addAdministration(state, {
    id: 3,
    name: 'Schildersbedrijf Bakker',
    telephoneNumber: '010-1112233',
    email: 'info@schildersbedrijfbakker.nl',
    packages: { inBalance: true, inTrade: false },
  });
  if (seed === 'empty') return;
  for (const data of [bakery, consultancy, painter]) seedReferenceData(data);
  seedDemoBusiness(state, bakery, [
    { code: 'BR-001', description: 'Volkorenbrood', salesTypeId: 2, salesPrice: 3.25, stock: 40 },
    { code: 'BR-002', description: 'Witbrood', salesTypeId: 2, salesPrice: 2.95, stock: 35 },
    { code: 'GB-001', description: 'Appeltaart', salesTypeId: 2, salesPrice: 14.5, stock: 8 },
    { code: 'CAT-001', description: 'Cateringservice per uur', salesTypeId: 1, salesPrice: 45, stock: 0 },
    {
      code: 'BR-OUD',
      description: 'Speltbrood (oud recept)',
      salesTypeId: 2,
      salesPrice: 3.1,
      stock: 0,
      active: false,
    },
  ]);
  seedDemoBusiness(state, consultancy, [
    { code: 'ADV-UUR', description: 'Advies per uur', salesTypeId: 1, salesPrice: 95, stock: 0 },
    { code: 'ADV-DAG', description: 'Dagdeel advies', salesTypeId: 1, salesPrice: 350, stock: 0 },
    { code: 'RAP', description: 'Rapportage', salesTypeId: 1, salesPrice: 475.5, stock: 0 },
  ]);
}
