import { deciderSpec } from '../../../test/support/decider-spec';
import { ForbiddenError, IllegalStateError, NotFoundError } from '../shared/errors';
import {
  ALLOWED_ACTIONS,
  serviceRequestDecider,
  type ServiceRequestAction,
  type ServiceRequestCommand,
  type ServiceRequestStatus,
} from './decider';
import type { ServiceRequestEvent } from './events';

const spec = deciderSpec(serviceRequestDecider);
const now = '2026-01-15T12:00:00.000Z';
const requester = { userId: 'u-req', name: 'John Doe', department: 'IT' };
const approver = { userId: 'u-mgr', name: 'Mia Manager', role: 'manager' };
const tech = { userId: 'u-tech', name: 'Tia Tech', role: 'technician' };

const submitted: ServiceRequestEvent = {
  type: 'ServiceRequestSubmitted',
  data: {
    requestId: 1,
    code: 'REQ-001',
    requester,
    device: { type: 'Laptop', brand: 'Lenovo', model: 'V14', serialNumber: 'SN123456' },
    serviceType: 'Hardware',
    description: 'Keyboard rusak',
    photo: null,
    submittedAt: now,
  },
};
const approved: ServiceRequestEvent = {
  type: 'ServiceRequestApproved',
  data: { requestId: 1, by: approver, note: null, approvedAt: now },
};
const rejected: ServiceRequestEvent = {
  type: 'ServiceRequestRejected',
  data: { requestId: 1, by: approver, reason: 'Out of warranty', rejectedAt: now },
};
const started: ServiceRequestEvent = {
  type: 'ServiceRequestWorkStarted',
  data: { requestId: 1, by: tech, note: null, startedAt: now },
};
const completed: ServiceRequestEvent = {
  type: 'ServiceRequestCompleted',
  data: { requestId: 1, by: tech, note: 'Keyboard replaced', completedAt: now },
};
const cancelled: ServiceRequestEvent = {
  type: 'ServiceRequestCancelled',
  data: { requestId: 1, by: { ...requester, role: 'technician' }, reason: null, cancelledAt: now },
};

const historyFor: Record<ServiceRequestStatus, ServiceRequestEvent[]> = {
  pending: [submitted],
  approved: [submitted, approved],
  rejected: [submitted, rejected],
  in_progress: [submitted, approved, started],
  completed: [submitted, approved, started, completed],
  cancelled: [submitted, cancelled],
};

const commandFor: Record<ServiceRequestAction, ServiceRequestCommand> = {
  approve: { type: 'ApproveServiceRequest', by: approver, note: null, now },
  reject: { type: 'RejectServiceRequest', by: approver, reason: 'Out of warranty', now },
  start: { type: 'StartServiceRequestWork', by: tech, note: null, now },
  complete: { type: 'CompleteServiceRequest', by: tech, note: 'Keyboard replaced', now },
  cancel: { type: 'CancelServiceRequest', by: { ...requester, role: 'technician' }, byAdministrator: false, reason: null, now },
};

describe('ServiceRequest decider', () => {
  it('submits a new request', () => {
    const { type: _t, submittedAt: _s, ...rest } = { type: 0, ...submitted.data };
    spec
      .given([])
      .when({ type: 'SubmitServiceRequest', ...rest, now })
      .then([submitted]);
  });

  it('refuses to submit the same request twice', () => {
    const { submittedAt: _s, ...rest } = submitted.data;
    spec.given([submitted]).when({ type: 'SubmitServiceRequest', ...rest, now }).thenThrows(IllegalStateError);
  });

  it('answers NotFound for any transition on a request that does not exist', () => {
    spec.given([]).when(commandFor.approve).thenThrows(NotFoundError);
  });

  it('walks the happy path pending → approved → in progress → completed', () => {
    spec.given([submitted]).when(commandFor.approve).then([approved]);
    spec.given([submitted, approved]).when(commandFor.start).then([started]);
    spec.given([submitted, approved, started]).when(commandFor.complete).then([completed]);
  });

  it('rejects a pending request with the reason', () => {
    spec.given([submitted]).when(commandFor.reject).then([rejected]);
  });

  it('lets the requester cancel a pending or approved request', () => {
    spec.given([submitted]).when(commandFor.cancel).then([cancelled]);
    spec.given([submitted, approved]).when(commandFor.cancel).then([cancelled]);
  });

  it('does not let someone else cancel, unless an administrator', () => {
    const byOther = { ...commandFor.cancel, by: approver } as ServiceRequestCommand;
    spec.given([submitted]).when(byOther).thenThrows(ForbiddenError);
    spec
      .given([submitted])
      .when({ ...byOther, byAdministrator: true } as ServiceRequestCommand)
      .then([{ ...cancelled, data: { ...cancelled.data, by: approver } }]);
  });

  // Every (status, action) pair the workflow does not allow is refused with the allowed actions named.
  const illegal: Array<[ServiceRequestStatus, ServiceRequestAction]> = [];
  for (const status of Object.keys(historyFor) as ServiceRequestStatus[]) {
    for (const action of Object.keys(commandFor) as ServiceRequestAction[]) {
      if (!ALLOWED_ACTIONS[status].includes(action)) illegal.push([status, action]);
    }
  }
  it.each(illegal)('refuses a %s request to %s', (status, action) => {
    spec
      .given(historyFor[status])
      .when(commandFor[action])
      .thenThrows(IllegalStateError, (e) => {
        expect(e.current).toBe(status);
        expect(e.allowed).toEqual(ALLOWED_ACTIONS[status]);
      });
  });

  it('covers all 24 illegal (status, action) pairs', () => {
    expect(illegal).toHaveLength(24);
  });
});
