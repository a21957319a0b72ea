// Builds the Fastify application from a container. Never listens: `serve` does, tests inject.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Container } from '../container.ts';
import { newId } from '../ids.ts';
import { healthRoutes } from './api/health-routes.ts';
import { reportIntakeRoutes } from './api/report-intake-routes.ts';
import { reportRoutes } from './api/report-routes.ts';
import { publicSite } from './public/public-site.ts';
import { problemPlugin } from './plugins/problem-plugin.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApp(container: Container): Promise<FastifyInstance> {
  const { config } = container;
  const app = Fastify({
    loggerInstance: container.logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // Accept a caller's request id when it is plainly an id; otherwise make one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId();
    },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Links in reports must never tell a third party where the reader came from.
    reply.header('referrer-policy', 'no-referrer');
  });

  await app.register(problemPlugin);
  await app.register(healthRoutes, { container });
  await app.register(reportIntakeRoutes, { container });
  await app.register(reportRoutes, { container });
  await app.register(publicSite, { container });
  return app;
}
