import type { Decider } from '../shared/decider';
import { ForbiddenError, IllegalStateError, NotFoundError } from '../shared/errors';
import type { Person, Photo, ServiceRequestEvent } from './events';

export type ServiceRequestStatus = 'pending' | 'approved' | 'rejected' | 'in_progress' | 'completed' | 'cancelled';
export type ServiceRequestAction = 'approve' | 'reject' | 'start' | 'complete' | 'cancel';

/** The workflow: which actions each status allows, and where each action leads. */
export const ALLOWED_ACTIONS: Record<ServiceRequestStatus, readonly ServiceRequestAction[]> = {
  pending: ['approve', 'reject', 'cancel'],
  approved: ['start', 'cancel'],
  in_progress: ['complete'],
  rejected: [],
  completed: [],
  cancelled: [],
};

export interface ServiceRequestState {
  exists: boolean;
  requestId: number;
  requesterId: string;
  status: ServiceRequestStatus;
}

export type ServiceRequestCommand =
  | {
      type: 'SubmitServiceRequest';
      requestId: number;
      code: string;
      requester: { userId: string; name: string; department: string | null };
      device: { type: string; brand: string | null; model: string | null; serialNumber: string };
      serviceType: string;
      description: string;
      photo: Photo | null;
      now: string;
    }
  | { type: 'ApproveServiceRequest'; by: Person; note: string | null; now: string }
  | { type: 'RejectServiceRequest'; by: Person; reason: string; now: string }
  | { type: 'StartServiceRequestWork'; by: Person; note: string | null; now: string }
  | { type: 'CompleteServiceRequest'; by: Person; note: string | null; now: string }
  /** Only the requester, or an administrator (`byAdministrator`), may cancel. */
  | { type: 'CancelServiceRequest'; by: Person; byAdministrator: boolean; reason: string | null; now: string };

export const initialServiceRequestState = (): ServiceRequestState => ({
  exists: false,
  requestId: 0,
  requesterId: '',
  status: 'pending',
});

export function evolveServiceRequest(state: ServiceRequestState, event: ServiceRequestEvent): ServiceRequestState {
  switch (event.type) {
    case 'ServiceRequestSubmitted':
      return { exists: true, requestId: event.data.requestId, requesterId: event.data.requester.userId, status: 'pending' };
    case 'ServiceRequestApproved':
      return { ...state, status: 'approved' };
    case 'ServiceRequestRejected':
      return { ...state, status: 'rejected' };
    case 'ServiceRequestWorkStarted':
      return { ...state, status: 'in_progress' };
    case 'ServiceRequestCompleted':
      return { ...state, status: 'completed' };
    case 'ServiceRequestCancelled':
      return { ...state, status: 'cancelled' };
  }
}

function requireAllowed(state: ServiceRequestState, action: ServiceRequestAction): void {
  const allowed = ALLOWED_ACTIONS[state.status];
  if (!allowed.includes(action)) {
    throw new IllegalStateError(
      `Cannot ${action} a service request that is ${state.status.replace('_', ' ')}`,
      state.status,
      allowed,
    );
  }
}

export function decideServiceRequest(command: ServiceRequestCommand, state: ServiceRequestState): ServiceRequestEvent[] {
  if (command.type === 'SubmitServiceRequest') {
    if (state.exists) throw new IllegalStateError('Service request already exists');
    const { type: _t, now, ...data } = command;
    return [{ type: 'ServiceRequestSubmitted', data: { ...data, submittedAt: now } }];
  }
  if (!state.exists) throw new NotFoundError('Service request', String(state.requestId));
  const requestId = state.requestId;
  switch (command.type) {
    case 'ApproveServiceRequest':
      requireAllowed(state, 'approve');
      return [{ type: 'ServiceRequestApproved', data: { requestId, by: command.by, note: command.note, approvedAt: command.now } }];
    case 'RejectServiceRequest':
      requireAllowed(state, 'reject');
      return [{ type: 'ServiceRequestRejected', data: { requestId, by: command.by, reason: command.reason, rejectedAt: command.now } }];
    case 'StartServiceRequestWork':
      requireAllowed(state, 'start');
      return [{ type: 'ServiceRequestWorkStarted', data: { requestId, by: command.by, note: command.note, startedAt: command.now } }];
    case 'CompleteServiceRequest':
      requireAllowed(state, 'complete');
      return [
        { type: 'ServiceRequestCompleted', data: { requestId, by: command.by, note: command.note, completedAt: command.now } },
      ];
    case 'CancelServiceRequest':
      if (!command.byAdministrator && command.by.userId !== state.requesterId) {
        throw new ForbiddenError('Only the requester can cancel this service request');
      }
      requireAllowed(state, 'cancel');
      return [
        { type: 'ServiceRequestCancelled', data: { requestId, by: command.by, reason: command.reason, cancelledAt: command.now } },
      ];
  }
}

export const serviceRequestDecider: Decider<ServiceRequestState, ServiceRequestCommand, ServiceRequestEvent> = {
  initialState: initialServiceRequestState,
  evolve: evolveServiceRequest,
  decide: decideServiceRequest,
};
