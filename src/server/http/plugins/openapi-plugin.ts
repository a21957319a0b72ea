// The OpenAPI 3.1 description, generated from the Zod route schemas, at /api/v1/openapi.json,
// and a browsable reference at /api/v1/docs. It covers /api/v1, the public /api/v2, /metrics and /readyz.
// Credentials are required globally; public routes override that with `security: []`, from the
// auth plugin's flag.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { isPublicRoute } from './auth-plugin.ts';
import { problemResponse } from '../../../shared/api/problems.ts';

const badBody = problemResponse(
  'The body cannot be taken: not JSON, a field that fails its schema, or text that is not valid Unicode (a lone UTF-16 surrogate); `errors` names each field',
);

/** Every route that reads a body answers 400 for a body it cannot take (json-body-plugin.ts). */
function declareBadBody<T extends { schema: FastifySchema }>(input: T): T {
  const { schema } = input;
  if (!schema?.body) return input;
  const response = (schema.response ?? {}) as Record<string, unknown>;
  if ('400' in response) return input;
  return { ...input, schema: { ...schema, response: { ...response, 400: badBody } } };
}

export const openApiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Stopline API',
        version: '1',
        description:
          'Sign in with POST /api/v1/session (cookie; send X-CSRF-Token on changes) or send an API token as Authorization: Bearer.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'stopline_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: (input) => {
      const out = jsonSchemaTransform(declareBadBody(input));
      const described =
        input.url.startsWith('/api/v1/') ||
        input.url.startsWith('/api/v2/') ||
        input.url === '/metrics' ||
        input.url === '/readyz';
      if (!described || input.url.startsWith('/api/v1/docs'))
        return { ...out, schema: { ...out.schema, hide: true } };
      // Public operations say so, or generated clients would send credentials they do not have.
      if (isPublicRoute(input.route.config))
        return { ...out, schema: { ...out.schema, security: [] } };
      return out;
    },
  });

  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(async (docs) => {
    // The reference page and its static files are public, like the description they show.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await docs.register(swaggerUi, {
      routePrefix: '/api/v1/docs',
      uiConfig: { url: '/api/v1/openapi.json' },
    });
  });
});
