import type { DivisionInfo } from '../divisions.js';
import { defineEntity } from './entity-descriptor.js';
import type { StoredRecord } from './entity-store.js';

/**
 * system/Divisions: the divisions the user may reach, key `Code` (Int32) (reference 1.3). Rows are
 * built from the sandbox's divisions, not stored. Field list from appendix A without the
 * Class_01..05 complex fields.
 */
export const systemDivisionsEntity = defineEntity({
  path: 'system/Divisions',
  typeName: 'Exact.Web.Api.System.SystemDivision',
  methods: ['GET'],
  pageSize: 60,
  skipAllowed: true,
  fieldList: `
  Code:Int32[K], AddressLine1:String, AddressLine2:String, AddressLine3:String,
  ArchiveDate:DateTime, BlockingStatus:Int32, BusinessTypeCode:String,
  BusinessTypeDescription:String, ChamberOfCommerceEstablishment:String,
  ChamberOfCommerceNumber:String, City:String, CompanySizeCode:String,
  CompanySizeDescription:String, Country:String, Created:DateTime, Creator:Guid,
  CreatorFullName:String, Currency:String, Current:Boolean, Customer:Guid, CustomerCode:String,
  CustomerName:String, DatevAccountantNumber:String, DatevClientNumber:String,
  Description:String, DivisionMoveDate:DateTime, Email:String, Fax:String, Hid:Int64,
  IsDossierDivision:Boolean, IsMainDivision:Boolean, IsPracticeDivision:Boolean,
  Legislation:String, Modified:DateTime, Modifier:Guid, ModifierFullName:String, OBNumber:String,
  Phone:String, Postcode:String, SbiCode:String, SbiDescription:String, SectorCode:String,
  SectorDescription:String, ShareCapital:Double, SiretNumber:String, StartDate:DateTime,
  State:String, Status:Int32, SubsectorCode:String, SubsectorDescription:String,
  TaxOfficeNumber:String, TaxReferenceNumber:String, TemplateCode:String, VATNumber:String,
  Website:String, DivisionHRLinkUnlinkDate:String{new}, IsHRDivision:Boolean{new}
`,
});

/** The division as a system/Divisions row. */
export function divisionRecord(division: DivisionInfo, current: number, created: string): StoredRecord {
  const row: StoredRecord['row'] = {};
  for (const field of systemDivisionsEntity.fields.scalars)
    row[field.name] = field.type === 'Boolean' ? false : null;
  Object.assign(row, {
    Code: division.code,
    Description: division.description,
    Country: division.country,
    Currency: 'EUR',
    Legislation: division.country,
    Hid: division.hid,
    VATNumber: division.vatNumber,
    ChamberOfCommerceNumber: division.chamberOfCommerce,
    City: division.city,
    Postcode: division.postcode,
    AddressLine1: division.addressLine1,
    Current: division.code === current,
    IsMainDivision: division.hid === 1,
    Status: 1,
    BlockingStatus: 0,
    StartDate: created,
    Created: created,
    Modified: created,
  });
  return { row, children: {}, timestamp: 0 };
}
