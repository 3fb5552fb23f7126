import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What the process reports at GET /metrics (Prometheus text format, prom-client): requests by
 * route template and status and their durations, events appended by aggregate, subscriptions to
 * the log dropped and resubscribed, and per projector its checkpoint, lag (events and seconds)
 * and whether it is faulted, read when scraped. One registry per application (no global one),
 * created by the composition root.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly eventsAppended: Counter<'aggregate'>;
  readonly subscriptionReconnects: Counter;
  /** Where the projection gauges read from when scraped (set once the runner exists). */
  projections(source: () => Promise<ProjectionSample[]>): void;
}

export interface ProjectionSample {
  projector: string;
  checkpoint: number;
  lagEvents: number;
  lagSeconds: number;
  faulted: boolean;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let source: (() => Promise<ProjectionSample[]>) | null = null;
  // The projection gauges share one read of the runner's status per scrape.
  let sampling: Promise<ProjectionSample[]> | null = null;
  const sample = () => {
    if (!source) return Promise.resolve([]);
    sampling ??= source().finally(() => setImmediate(() => (sampling = null)));
    return sampling;
  };
  const projectionGauge = (name: string, help: string, value: (s: ProjectionSample) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['projector'],
      registers,
      async collect() {
        this.reset();
        for (const s of await sample()) this.set({ projector: s.projector }, value(s));
      },
    });
  projectionGauge('projection_checkpoint', 'Log position the projector’s documents reflect.', (s) => s.checkpoint);
  projectionGauge('projection_lag_events', 'Events in the log after the projector’s position (counted up to 10000).', (s) => s.lagEvents);
  projectionGauge('projection_lag_seconds', 'Age of the oldest event the projector has not applied (0 when up to date).', (s) => s.lagSeconds);
  projectionGauge('projection_faulted', '1 while the projector is faulted (skipped until rebuilt).', (s) => (s.faulted ? 1 : 0));

  return {
    registry,
    httpRequests: new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by route template and status.', labelNames: ['method', 'route', 'status'], registers }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from the request to the end of its answer, by route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    eventsAppended: new Counter({ name: 'events_appended_total', help: 'Events appended to the log by this process, by aggregate (stream name prefix).', labelNames: ['aggregate'], registers }),
    subscriptionReconnects: new Counter({
      name: 'event_subscription_reconnects_total',
      help: 'Subscriptions to the log (projections, live feed, reactors) dropped by the store and resubscribed by their consumer from its checkpoint.',
      registers,
    }),
    projections(s) {
      source = s;
    },
  };
}
