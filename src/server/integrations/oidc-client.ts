// OpenID Connect through openid-client: discovery on first use (no network at start-up),
// authorization code flow with PKCE, state and nonce. Plain http is accepted only for a
// provider on this machine (development and tests); anything else must be https.
import * as client from 'openid-client';
import type { OidcChecks, OidcProvider } from '../domain/accounts/index.ts';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function createOidcClient(settings: OidcSettings): OidcProvider {
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () => {
    const issuer = new URL(settings.issuer);
    const insecureOk = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
    discovered ??= client
      .discovery(
        issuer,
        settings.clientId,
        settings.clientSecret,
        undefined,
        insecureOk ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        discovered = undefined; // try again on the next sign-in
        throw error;
      });
    return discovered;
  };

  return {
    newChecks: () => ({
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    }),

    async authorizationUrl(redirectUri: string, checks: OidcChecks): Promise<string> {
      const config = await configuration();
      return client
        .buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: 'openid email profile',
          state: checks.state,
          nonce: checks.nonce,
          code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
          code_challenge_method: 'S256',
        })
        .toString();
    },

    async claimsFromCallback(callbackUrl: URL, checks: OidcChecks) {
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('no ID token in the answer');
      return { ...claims } as Record<string, unknown>;
    },
  };
}
