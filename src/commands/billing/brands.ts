import { brandDecider, brandStream, normaliseBrandId, type GatewaySettings, type PaymentProvider } from '../../domain/brand';
import { NotFoundError } from '../../domain/shared/errors';
import type { RequestMeta } from '../context';
import { handleCommand, loadAggregate, type CommandResult } from '../handle-command';
import type { BillingCommandDeps } from './deps';
import type { BrandState } from '../../domain/brand';

/** Gateway settings as an API gives them: the key in clear text (sealed here, before any event). */
export interface GatewayInput {
  provider: PaymentProvider;
  /** A new secret key; null: use the configured default; undefined: keep the current one. */
  apiKey?: string | null;
  invoiceDurationSeconds?: number | null;
}

function sealed(deps: Pick<BillingCommandDeps, 'secrets'>, input: GatewayInput, current: GatewaySettings | null): GatewaySettings {
  return {
    provider: input.provider,
    apiKeySealed: input.apiKey === undefined ? (current?.apiKeySealed ?? null) : input.apiKey === null ? null : deps.secrets.seal(input.apiKey),
    invoiceDurationSeconds: input.invoiceDurationSeconds === undefined ? (current?.invoiceDurationSeconds ?? null) : input.invoiceDurationSeconds,
  };
}

/** The stream name is the uniqueness of the brand id: registering an existing one is refused by the decider. */
export function registerBrand(
  deps: BillingCommandDeps,
  input: { brandId: string; name: string; gateway: GatewayInput },
  meta: RequestMeta,
): Promise<CommandResult<BrandState>> {
  const brandId = normaliseBrandId(input.brandId);
  return handleCommand(
    deps,
    brandDecider,
    brandStream(brandId),
    { type: 'RegisterBrand', brandId, name: input.name, gateway: sealed(deps, input.gateway, null), now: deps.clock.now().toISOString() },
    meta,
  );
}

export async function updateBrand(
  deps: BillingCommandDeps,
  brandId: string,
  input: { name?: string; gateway?: Partial<GatewayInput> },
  meta: RequestMeta,
): Promise<CommandResult<BrandState>> {
  const current = await loadBrand(deps, brandId);
  const gateway = input.gateway
    ? sealed(deps, { provider: input.gateway.provider ?? current.gateway!.provider, apiKey: input.gateway.apiKey, invoiceDurationSeconds: input.gateway.invoiceDurationSeconds }, current.gateway)
    : undefined;
  return handleCommand(deps, brandDecider, brandStream(brandId), { type: 'UpdateBrand', name: input.name, gateway, now: deps.clock.now().toISOString() }, meta);
}

export function deleteBrand(deps: BillingCommandDeps, brandId: string, meta: RequestMeta): Promise<CommandResult<BrandState>> {
  return handleCommand(deps, brandDecider, brandStream(brandId), { type: 'DeleteBrand', now: deps.clock.now().toISOString() }, meta);
}

/** A brand as the log has it (NotFoundError when unknown or deleted). */
export async function loadBrand(deps: Pick<BillingCommandDeps, 'eventStore' | 'registry'>, brandId: string): Promise<BrandState> {
  const { state } = await loadAggregate(deps, brandDecider, brandStream(brandId));
  if (!state.exists || state.deleted) throw new NotFoundError('Brand', normaliseBrandId(brandId));
  return state;
}
