import { z } from 'zod';
import { packageNames } from '../resources/resource-descriptor.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { addAdministration, clearData } from '../state/sandbox-state.js';

/**
 * A fixture replaces all data with exactly what a test needs (§6.5): users, administrations and raw
 * records per resource path. Records are stored as given (no validation), so tests can also set up
 * states the API would refuse to create, such as a blocked debtor with open invoices.
 */
export const fixtureSchema = z
  .object({
    users: z
      .array(
        z.object({
          username: z.string(),
          password: z.string(),
          profileName: z.string().default(''),
          administrationIds: z.array(z.number().int()),
          defaultAdministrationId: z.number().int(),
        }),
      )
      .min(1),
    administrations: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        telephoneNumber: z.string().default(''),
        email: z.string().default(''),
        packages: z.partialRecord(z.enum(packageNames), z.boolean()).default({}),
        records: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).default({}),
        closedPeriods: z.array(z.string().regex(/^\d{4}\/\d{1,2}$/)).default([]),
      }),
    ),
  })
  .strict()
  .superRefine((fixture, ctx) => {
    // Every user must be able to land somewhere, or requests without a tenant header would fail.
    const known = new Set(fixture.administrations.map((a) => a.id));
    fixture.users.forEach((user, index) => {
      for (const id of [...user.administrationIds, user.defaultAdministrationId]) {
        if (!known.has(id))
          ctx.addIssue({
            code: 'custom',
            path: ['users', index],
            message: `administration ${id} is not in the fixture`,
          });
      }
      if (!user.administrationIds.includes(user.defaultAdministrationId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['users', index, 'defaultAdministrationId'],
          message: 'not among administrationIds',
        });
      }
    });
  });

export type Fixture = z.infer<typeof fixtureSchema>;

export function loadFixture(state: SandboxState, fixture: Fixture): void {
  clearData(state);
  state.users.push(...fixture.users);
  for (const a of fixture.administrations) {
    const data = addAdministration(state, {
      id: a.id,
      name: a.name,
      telephoneNumber: a.telephoneNumber,
      email: a.email,
      packages: { inBalance: a.packages.inBalance ?? true, inTrade: a.packages.inTrade ?? false },
    });
    for (const [resource, records] of Object.entries(a.records)) {
      for (const record of records)
        data.put(resource, record['id'] === undefined ? { ...record, id: data.nextId(resource) } : record);
    }
    for (const period of a.closedPeriods) data.closedPeriods.add(period);
  }
}
