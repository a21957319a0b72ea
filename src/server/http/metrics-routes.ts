// GET /metrics: the Prometheus text exposition format for a scraper holding an API token with
// metrics.read. The deadline measures are computed at each scrape (over the last year), beside
// the process metrics prom-client collects. One registry per app: tests build many in a process.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { ClocksModule } from '../domain/clocks/index.ts';
import type { DeadlineMeasures, Durations } from '../domain/clocks/index.ts';

const YEAR_MS = 365 * 24 * 3_600_000;

function measureGauges(registry: Registry) {
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const window = 'for clocks started in the last 365 days';
  return {
    ackSeconds: gauge(
      'stopline_time_to_acknowledge_seconds',
      `Time from receiving a security report to acknowledging it (median and 90th percentile), ${window}.`,
      ['quantile'],
    ),
    ackSamples: gauge(
      'stopline_time_to_acknowledge_samples',
      `Acknowledged reports the quantiles are computed from, ${window}.`,
    ),
    respondSeconds: gauge(
      'stopline_time_to_respond_seconds',
      `Time from declaration (or a severity change) to the first response, per severity, ${window}.`,
      ['severity', 'quantile'],
    ),
    respondSamples: gauge(
      'stopline_time_to_respond_samples',
      `Responses the quantiles are computed from, per severity, ${window}.`,
      ['severity'],
    ),
    metRatio: gauge(
      'stopline_deadlines_met_ratio',
      'Share of deadlines met on time, per kind and UTC month of the due time.',
      ['kind', 'month'],
    ),
    counted: gauge(
      'stopline_deadlines_counted',
      'Deadlines counted in stopline_deadlines_met_ratio (due, or met), per kind and month.',
      ['kind', 'month'],
    ),
  };
}

type Gauges = ReturnType<typeof measureGauges>;

function setQuantiles(g: Gauge, d: Durations, labels: Record<string, string> = {}): void {
  if (d.medianMs !== null) g.set({ ...labels, quantile: '0.5' }, d.medianMs / 1000);
  if (d.p90Ms !== null) g.set({ ...labels, quantile: '0.9' }, d.p90Ms / 1000);
}

/** Replaces every measure with the latest figures (a label set no longer present vanishes). */
function show(g: Gauges, m: DeadlineMeasures): void {
  for (const gauge of Object.values(g)) gauge.reset();
  setQuantiles(g.ackSeconds, m.timeToAcknowledge);
  g.ackSamples.set(m.timeToAcknowledge.count);
  for (const [severity, d] of Object.entries(m.timeToRespond)) {
    setQuantiles(g.respondSeconds, d, { severity });
    g.respondSamples.set({ severity }, d.count);
  }
  for (const s of m.shareMet) {
    g.metRatio.set({ kind: s.kind, month: s.month }, s.share);
    g.counted.set({ kind: s.kind, month: s.month }, s.counted);
  }
}

export async function metricsRoutes(
  app: FastifyInstance,
  opts: { clocks: Pick<ClocksModule, 'measures'>; clock: Clock },
) {
  const { clock, clocks } = opts;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauges = measureGauges(registry);
  app.withTypeProvider<ZodTypeProvider>().get(
    '/metrics',
    {
      config: { permission: 'metrics.read' },
      schema: {
        summary:
          'Prometheus metrics: deadline measures and process metrics (text format 0.0.4; scrape with an API token scoped to metrics.read)',
        tags: ['metrics'],
        produces: [registry.contentType],
        response: { 200: z.string().describe('Prometheus text exposition format 0.0.4') },
      },
    },
    async (_request, reply) => {
      const to = clock.now();
      show(gauges, await clocks.measures({ from: to - YEAR_MS, to }));
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    },
  );
}
