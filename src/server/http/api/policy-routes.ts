// GET /api/v1/policy (the policy in force), /api/v1/policy/versions (its history) and
// /api/v1/policy/versions/:hash (one version's text). Read-only; needs policy.read.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  PolicyResponse,
  PolicyVersionListResponse,
  PolicyVersionParams,
  PolicyVersionResponse,
} from '../../../shared/api/policy.ts';
import type { PolicyService } from '../../domain/policy/index.ts';
import { presentPolicy, presentVersion, presentVersionSummary } from './policy-presenter.ts';

export async function policyRoutes(app: FastifyInstance, opts: { policy: PolicyService }) {
  const { policy } = opts;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const config = { permission: 'policy.read' } as const;

  api.get(
    '/policy',
    { config, schema: { tags: ['policy'], response: { 200: PolicyResponse } } },
    async () => presentPolicy(policy.getInForce()),
  );

  api.get(
    '/policy/versions',
    { config, schema: { tags: ['policy'], response: { 200: PolicyVersionListResponse } } },
    async () => ({ versions: (await policy.listVersions()).map(presentVersionSummary) }),
  );

  api.get(
    '/policy/versions/:hash',
    {
      config,
      schema: {
        tags: ['policy'],
        params: PolicyVersionParams,
        response: { 200: PolicyVersionResponse },
      },
    },
    async (request) => presentVersion(await policy.getVersion(request.params.hash)),
  );
}
