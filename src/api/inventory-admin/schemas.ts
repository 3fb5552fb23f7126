import { array, boolean, date, integer, nullable, object, oneOfValues, ref, string } from '../openapi/schema';
import type { SchemaObject } from '../openapi/types';
import { ACTIVITY_CATEGORIES, ACTIVITY_TYPES } from '../../projections/inventory/activity';
import { CONDITION_VALUES, STATUS_VALUES } from './vocabulary';

/** Response shapes of document 003, as the presenters write them (the OpenAPI components). */

const ts = (description?: string): SchemaObject => ({ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$', ...(description ? { description } : {}) });
const text = () => nullable(string());
const condition = oneOfValues(CONDITION_VALUES);
const status = oneOfValues(STATUS_VALUES);

const branchRef = object({ branchId: integer(), unitName: string(), branchCode: string() });
const specs = { spec1: text(), spec2: text(), spec3: text(), spec4: text(), spec5: text() };
const audit = { createdAt: ts(), createdBy: text(), updatedAt: ts(), updatedBy: text() };

export const INVENTORY_ADMIN_SCHEMAS: Record<string, SchemaObject> = {
  InventoryMeta: object({ currentPage: integer(), lastPage: integer(), total: integer() }),
  InventoryDeviceSummary: object({ deviceId: integer(), assetCode: string(), brand: string(), brandName: string(), serialNumber: string(), condition }),
  InventoryDevice: object({
    deviceId: integer(),
    assetCode: string(),
    brand: string(),
    brandName: string(),
    serialNumber: string(),
    condition,
    category: text(),
    ...specs,
    isAssigned: boolean(),
    assignedTo: text(),
    assignedDate: nullable(date()),
    ...audit,
  }),
  InventoryDeviceDetail: object({
    deviceId: integer(),
    assetCode: string(),
    brand: string(),
    brandName: string(),
    serialNumber: string(),
    condition,
    category: text(),
    ...specs,
    devDate: nullable(date()),
    briboxId: text(),
    branchId: nullable(integer()),
    currentAssignment: nullable(
      object({
        assignmentId: integer(),
        user: object({ userId: integer(), name: string(), pn: text(), position: text() }),
        branch: nullable(branchRef),
        assignedDate: date(),
        status,
        notes: text(),
        ticketId: text(),
      }),
    ),
    assignmentHistory: array(
      object(
        {
          assignmentId: integer(),
          'userName ': string('The document spells this field with a trailing space; `userName` carries the same value.'),
          userName: string(),
          userPn: text(),
          assignedDate: date(),
          returnedDate: date(),
          status,
          notes: text(),
          returnNotes: text(),
          returnCondition: nullable(oneOfValues(['good', 'damaged', 'lost'])),
          ticketId: text(),
        },
        { description: 'Returned assignments, newest first (the current one is currentAssignment).' },
      ),
    ),
    ...audit,
  }),
  InventoryDeleted: object({ message: string(), errorCode: { type: 'null' } }),
  InventoryAssignment: object({
    assignmentId: integer(),
    device: object({ deviceId: integer(), assetCode: string(), brand: string(), brandName: string(), serialNumber: string() }),
    user: object({ userId: integer(), name: string(), pn: text(), position: text(), department: text() }),
    branch: nullable(branchRef),
    assignedDate: date(),
    returnedDate: nullable(date()),
    status,
    notes: text(),
    isActive: boolean(),
    createdAt: ts(),
    createdBy: text(),
  }),
  InventoryAssignmentCreated: object({ assignmentId: integer(), deviceId: integer(), userId: integer(), assignedDate: date(), status }),
  InventoryAssignmentUpdated: object({ assignmentId: integer(), status, returnedDate: nullable(date()), notes: text() }),
  InventoryAssignmentReturned: object({ assignmentId: integer(), returnedDate: date(), message: string() }),
  InventoryUser: object({
    userId: integer(),
    pn: text(),
    name: string(),
    position: text(),
    department: nullable(object({ departmentId: integer(), name: string() })),
    branch: nullable(branchRef),
    activeDevicesCount: integer(),
  }),
  InventoryBranch: object({
    branchId: integer(),
    unitName: string(),
    branchCode: string(),
    address: text(),
    mainBranch: nullable(object({ mainBranchId: integer(), name: string() })),
  }),
  InventoryCategory: object({
    briboxId: string(),
    name: string(),
    description: text(),
    category: nullable(object({ categoryId: integer(), name: string() })),
  }),
  InventoryMainBranch: object({ mainBranchId: integer(), name: string() }),
  InventoryDepartment: object({ departmentId: integer(), name: string() }),
  InventoryParentCategory: object({ categoryId: integer(), name: string() }),
  InventoryKpis: object({
    totalDevices: integer(),
    inUse: integer(),
    available: integer(),
    damaged: integer(),
    activityLog: array(
      object({
        type: oneOfValues(ACTIVITY_TYPES),
        Category: oneOfValues(ACTIVITY_CATEGORIES),
        title: string(),
        description: string(),
        user: string(),
        date: date(),
        time: { type: 'string', pattern: '^\\d{2}:\\d{2}:\\d{2}$' },
      }),
    ),
  }),
  InventoryCharts: object({
    deviceConditions: array(object({ condition, count: integer() })),
    devicesPerBranch: array(object({ branchId: nullable(integer()), branchName: string(), count: integer() })),
  }),
};

/** `{ data: <schema> }` */
export const dataOf = (schema: SchemaObject): SchemaObject => object({ data: schema });
/** `{ data: [<schema>], meta }` */
export const pageOf = (name: string): SchemaObject => object({ data: array(ref(name)), meta: ref('InventoryMeta') });
