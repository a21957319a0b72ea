// Single sign-on with OpenID Connect: start (a state, nonce and PKCE verifier kept for ten
// minutes) and finish (the provider's claims map to roles; the account is created on first
// sign-in and its roles follow the provider afterwards). The provider itself sits behind
// OidcProvider, implemented in integrations/.
import type { Config } from '../../config.ts';
import { MINUTE, type Clock } from '../../clock.ts';
import type { Db } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { recordAudit, type AnonymousCaller } from '../audit/index.ts';
import { parseRoleMap, rolesFromClaim, verifiedEmail } from './oidc-rules.ts';
import { newSecret, sha256 } from './secrets.ts';
import type { RequestOrigin } from './account-actors.ts';
import { openSession, type SignedIn } from './session-service.ts';
import { findUserByEmail, insertUser, updateUser, type UserRecord } from './user-repository.ts';

export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What Stopline needs from an OpenID Connect provider. */
export interface OidcProvider {
  authorizationUrl(redirectUri: string, checks: OidcChecks): Promise<string>;
  /** Exchanges the code in the callback URL; answers the verified ID-token claims. */
  claimsFromCallback(callbackUrl: URL, checks: OidcChecks): Promise<Record<string, unknown>>;
  newChecks(): OidcChecks;
}

export interface OidcDeps {
  db: Db;
  clock: Clock;
  config: Pick<
    Config,
    'baseUrl' | 'sessionMaxHours' | 'requireAdminMfa' | 'oidcRolesClaim' | 'oidcRoleMap'
  >;
  oidc?: OidcProvider | null;
}

export const OIDC_CALLBACK_PATH = '/api/v1/session/oidc/callback';
const FLOW_MS = 10 * MINUTE;

const refused = (detail: string) => new AppError('UNAUTHENTICATED', detail);

export function createOidcService(deps: OidcDeps) {
  const { db, clock, config } = deps;
  const roleMap = parseRoleMap(config.oidcRoleMap);
  const redirectUri = `${config.baseUrl}${OIDC_CALLBACK_PATH}`;

  function provider(): OidcProvider {
    if (!deps.oidc) throw new AppError('NOT_FOUND', 'Single sign-on is not configured here');
    return deps.oidc;
  }

  async function refuse(caller: AnonymousCaller, reason: string, email: string | null) {
    await db.transaction().execute((tx) =>
      recordAudit(tx, {
        actor: caller,
        action: 'session.sign_in_failed',
        at: clock.now(),
        detail: { method: 'oidc', reason, email },
      }),
    );
  }

  return {
    enabled: () => Boolean(deps.oidc),

    /** Where to send the browser, and the flow id to keep in a short-lived cookie. */
    async start(): Promise<{ flowId: string; redirectTo: string; maxAgeSeconds: number }> {
      const checks = provider().newChecks();
      const redirectTo = await provider().authorizationUrl(redirectUri, checks);
      const flowId = newSecret('stl_oidc');
      const at = clock.now();
      await db.deleteFrom('oidc_logins').where('expires_at', '<', at).execute();
      await db
        .insertInto('oidc_logins')
        .values({
          flow_hash: sha256(flowId),
          state: checks.state,
          nonce: checks.nonce,
          code_verifier: checks.codeVerifier,
          created_at: at,
          expires_at: at + FLOW_MS,
        })
        .execute();
      return { flowId, redirectTo, maxAgeSeconds: FLOW_MS / 1000 };
    },

    /** Finishes the provider's redirect back: the flow is used once, whatever the outcome. */
    async finish(origin: RequestOrigin, flowId: string | null, query: string): Promise<SignedIn> {
      const idp = provider();
      const caller: AnonymousCaller = { kind: 'anonymous', ...origin };
      const at = clock.now();
      const flow = flowId
        ? await db
            .deleteFrom('oidc_logins')
            .where('flow_hash', '=', sha256(flowId))
            .returningAll()
            .executeTakeFirst()
        : undefined;
      if (!flow || Number(flow.expires_at) <= at)
        throw refused('This sign-in took too long or was started elsewhere; start again');
      let claims: Record<string, unknown>;
      try {
        claims = await idp.claimsFromCallback(new URL(`${redirectUri}?${query}`), {
          state: flow.state,
          nonce: flow.nonce,
          codeVerifier: flow.code_verifier,
        });
      } catch (error) {
        await refuse(caller, `provider answer refused: ${(error as Error).message}`, null);
        throw refused('The identity provider did not confirm who you are');
      }
      const email = verifiedEmail(claims);
      const roles = rolesFromClaim(claims[config.oidcRolesClaim], roleMap);
      if (!email) {
        await refuse(caller, 'no verified email claim', null);
        throw refused('The identity provider did not give a verified email address');
      }
      if (roles.length === 0) {
        await refuse(caller, 'no role granted by the claim', email);
        throw new AppError('FORBIDDEN', 'Your account there does not give you a role in Stopline');
      }
      return db
        .transaction()
        .execute(async (tx) => {
          let user = await findUserByEmail(tx, email);
          if (user?.status === 'disabled') {
            await recordAudit(tx, {
              actor: caller,
              action: 'session.sign_in_failed',
              target: { type: 'user', id: user.id },
              at,
              detail: { method: 'oidc', reason: 'disabled', email },
            });
            return null;
          }
          if (!user) {
            user = newUserFromClaims(email, claims, roles, at);
            await insertUser(tx, user);
            await recordAudit(tx, {
              actor: caller,
              action: 'user.created',
              target: { type: 'user', id: user.id },
              at,
              detail: { email, roles, via: 'oidc', subject: String(claims.sub ?? '') },
            });
          } else if (user.roles.join() !== roles.join()) {
            await updateUser(tx, user.id, { roles }, at);
            await recordAudit(tx, {
              actor: caller,
              action: 'user.roles_changed',
              target: { type: 'user', id: user.id },
              at,
              detail: { from: user.roles, to: roles, via: 'oidc' },
            });
            user = { ...user, roles };
          }
          return openSession(tx, config, user, origin, at, { method: 'oidc' });
        })
        .then((signedIn) => {
          if (!signedIn) throw refused('This account is disabled');
          return signedIn;
        });
    },
  };
}

function newUserFromClaims(
  email: string,
  claims: Record<string, unknown>,
  roles: string[],
  at: number,
): UserRecord {
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : email;
  return {
    id: newId(),
    email,
    displayName: name.slice(0, 200),
    roles,
    status: 'active',
    passwordHash: null,
    awayUntil: null,
    contacts: [],
    mfaSecret: null,
    mfaPendingSecret: null,
    mfaLastCounter: null,
    createdAt: at,
    updatedAt: at,
  };
}

export type OidcService = ReturnType<typeof createOidcService>;
