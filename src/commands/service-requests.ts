import {
  serviceRequestDecider,
  serviceRequestStream,
  type Person,
  type Photo,
  type ServiceRequestCommand,
  type ServiceRequestState,
} from '../domain/service-request';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, type CommandResult } from './handle-command';
import { humanNumber, nextSequenceNumber } from './sequences';

export interface SubmitServiceRequestInput {
  requester: { userId: string; name: string; department: string | null };
  deviceType: string;
  brand: string | null;
  model: string | null;
  serialNumber: string;
  serviceType: string;
  description: string;
  photo: Photo | null;
}

/** Takes the next REQ- number and submits the request. */
export async function submitServiceRequest(
  deps: CommandDeps,
  input: SubmitServiceRequestInput,
  meta: RequestMeta,
): Promise<{ requestId: number; code: string; result: CommandResult<ServiceRequestState> }> {
  const requestId = await nextSequenceNumber(deps, 'service_request', meta);
  const code = humanNumber('REQ', requestId);
  const result = await handleCommand(
    deps,
    serviceRequestDecider,
    serviceRequestStream(requestId),
    {
      type: 'SubmitServiceRequest',
      requestId,
      code,
      requester: input.requester,
      device: { type: input.deviceType, brand: input.brand, model: input.model, serialNumber: input.serialNumber },
      serviceType: input.serviceType,
      description: input.description,
      photo: input.photo,
      now: deps.clock.now().toISOString(),
    },
    meta,
    // A sequence number is never handed out twice.
    { newStream: true },
  );
  return { requestId, code, result };
}

export type ServiceRequestTransition =
  | { action: 'approve'; note: string | null }
  | { action: 'reject'; reason: string }
  | { action: 'start'; note: string | null }
  | { action: 'complete'; note: string | null }
  | { action: 'cancel'; reason: string | null; byAdministrator: boolean };

/** Moves a request along its workflow; the decider refuses transitions its status does not allow. */
export async function transitionServiceRequest(
  deps: CommandDeps,
  requestId: number,
  by: Person,
  transition: ServiceRequestTransition,
  meta: RequestMeta,
  options: { ifMatch?: number } = {},
): Promise<CommandResult<ServiceRequestState>> {
  const now = deps.clock.now().toISOString();
  const command: ServiceRequestCommand = (() => {
    switch (transition.action) {
      case 'approve':
        return { type: 'ApproveServiceRequest', by, note: transition.note, now };
      case 'reject':
        return { type: 'RejectServiceRequest', by, reason: transition.reason, now };
      case 'start':
        return { type: 'StartServiceRequestWork', by, note: transition.note, now };
      case 'complete':
        return { type: 'CompleteServiceRequest', by, note: transition.note, now };
      case 'cancel':
        return { type: 'CancelServiceRequest', by, byAdministrator: transition.byAdministrator, reason: transition.reason, now };
    }
  })();
  return handleCommand(deps, serviceRequestDecider, serviceRequestStream(requestId), command, meta, options);
}
