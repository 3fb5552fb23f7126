import { DuplicateError } from '../../domain/shared/errors';
import { technicalDataDecider, technicalDataStream, type TechnicalDataState, type TechnicalDetails } from '../../domain/technical-data';
import type { RequestMeta } from '../context';
import { handleCommand, loadAggregate, type CommandResult } from '../handle-command';
import { releaseUnique, reserveUnique } from '../reservations';
import { nextSequenceNumber } from '../sequences';
import { loadOpenCustomer } from './open-customer';
import type { BillingCommandDeps } from './deps';

/**
 * Uniqueness of technical data, by reservations: one record per customer, and an address used
 * once per Mikrotik server (`ip_pelanggan` is unique per router, not across routers).
 */
export const TECHNICAL_DATA_OF_CUSTOMER = 'technical_data_customer';
export const ADDRESS_ON_SERVER = 'ip_on_mikrotik_server';

const addressKey = (serverId: number | null, ip: string): string => `${serverId ?? 'none'}|${ip}`;

/** Input as the API gives it: the PPPoE password in clear text (sealed here). */
export interface TechnicalDataInput extends Omit<TechnicalDetails, 'pppoePasswordSealed' | 'pppoeUsername'> {
  pppoeUsername: string | null;
  pppoePassword: string | null;
}

async function reserveAddress(deps: BillingCommandDeps, serverId: number | null, ip: string | null, ownerId: string, meta: RequestMeta): Promise<void> {
  if (ip === null) return;
  try {
    await reserveUnique(deps, ADDRESS_ON_SERVER, addressKey(serverId, ip), ownerId, meta);
  } catch (err) {
    if (err instanceof DuplicateError) throw new DuplicateError('ip_pelanggan', ip);
    throw err;
  }
}

async function releaseAddress(deps: BillingCommandDeps, serverId: number | null, ip: string | null, ownerId: string, meta: RequestMeta): Promise<void> {
  if (ip !== null) await releaseUnique(deps, ADDRESS_ON_SERVER, addressKey(serverId, ip), ownerId, meta);
}

/** The customer's PPPoE user name when none is given: its code (CUST-000012). */
export async function recordTechnicalData(
  deps: BillingCommandDeps,
  input: { customerId: string } & TechnicalDataInput,
  meta: RequestMeta,
): Promise<{ technicalDataId: number; result: CommandResult<TechnicalDataState> }> {
  const customer = await loadOpenCustomer(deps, input.customerId);
  const technicalDataId = await nextSequenceNumber(deps, 'data_teknis', meta);
  const owner = String(technicalDataId);
  try {
    await reserveUnique(deps, TECHNICAL_DATA_OF_CUSTOMER, input.customerId, owner, meta);
  } catch (err) {
    if (err instanceof DuplicateError) throw new DuplicateError('pelanggan_id', String(customer.number));
    throw err;
  }
  try {
    await reserveAddress(deps, input.mikrotikServerId, input.ip, owner, meta);
  } catch (err) {
    await releaseUnique(deps, TECHNICAL_DATA_OF_CUSTOMER, input.customerId, owner, meta);
    throw err;
  }
  const details: TechnicalDetails = {
    mikrotikServerId: input.mikrotikServerId,
    ip: input.ip,
    vlan: input.vlan,
    pppoeUsername: input.pppoeUsername ?? customer.code,
    pppoePasswordSealed: input.pppoePassword === null ? null : deps.secrets.seal(input.pppoePassword),
    ontSerial: input.ontSerial,
    odpPort: input.odpPort,
    oltPort: input.oltPort,
  };
  try {
    const result = await handleCommand(
      deps,
      technicalDataDecider,
      technicalDataStream(technicalDataId),
      { type: 'RecordTechnicalData', technicalDataId, customerId: input.customerId, pelangganId: customer.number, details, now: deps.clock.now().toISOString() },
      meta,
    );
    return { technicalDataId, result };
  } catch (err) {
    await releaseAddress(deps, input.mikrotikServerId, input.ip, owner, meta);
    await releaseUnique(deps, TECHNICAL_DATA_OF_CUSTOMER, input.customerId, owner, meta);
    throw err;
  }
}

/** A new address (or server) is reserved before the change and the old one released after it. */
export async function updateTechnicalData(
  deps: BillingCommandDeps,
  technicalDataId: number,
  changes: Partial<TechnicalDataInput>,
  meta: RequestMeta,
): Promise<CommandResult<TechnicalDataState>> {
  const { state } = await loadAggregate(deps, technicalDataDecider, technicalDataStream(technicalDataId));
  const owner = String(technicalDataId);
  const { pppoePassword, pppoeUsername, ...rest } = changes;
  const next: Partial<TechnicalDetails> = { ...rest };
  if (pppoeUsername !== undefined && pppoeUsername !== null) next.pppoeUsername = pppoeUsername;
  if (pppoePassword !== undefined) next.pppoePasswordSealed = pppoePassword === null ? null : deps.secrets.seal(pppoePassword);
  const current = state.details;
  const serverId = next.mikrotikServerId !== undefined ? next.mikrotikServerId : (current?.mikrotikServerId ?? null);
  const ip = next.ip !== undefined ? next.ip : (current?.ip ?? null);
  const moved = current !== null && (serverId !== current.mikrotikServerId || ip !== current.ip);
  if (moved) await reserveAddress(deps, serverId, ip, owner, meta);
  let result: CommandResult<TechnicalDataState>;
  try {
    result = await handleCommand(deps, technicalDataDecider, technicalDataStream(technicalDataId), { type: 'UpdateTechnicalData', changes: next, now: deps.clock.now().toISOString() }, meta);
  } catch (err) {
    if (moved) await releaseAddress(deps, serverId, ip, owner, meta);
    throw err;
  }
  if (moved && result.newEvents.length > 0) await releaseAddress(deps, current!.mikrotikServerId, current!.ip, owner, meta);
  return result;
}
