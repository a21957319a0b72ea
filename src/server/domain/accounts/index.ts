// The accounts subject's public surface: staff, sessions, tokens, the second factor and the role
// table. The audit trail they write to is its own subject (audit/).
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/schema.ts';
import { createCalendarFeedService } from './calendar-feed-service.ts';
import { createMfaService } from './mfa-service.ts';
import { createOidcService, type OidcProvider } from './oidc-service.ts';
import { createPasswordService } from './password-service.ts';
import { createSessionService } from './session-service.ts';
import { createTokensService } from './token-service.ts';
import { createUsersService } from './user-service.ts';

import { listRoles, parseRoleNames } from './role-names.ts';
import { sweepExpiredCredentials } from './sweep-service.ts';
import type { SecretBox } from './secret-box.ts';

export interface AccountsPorts {
  db: Db;
  clock: Clock;
  /** Seals secrets that must be read back (TOTP); the key lives outside the database. */
  secretBox: SecretBox;
  config: Pick<
    Config,
    | 'baseUrl'
    | 'linkValidHours'
    | 'sessionIdleMinutes'
    | 'sessionMaxHours'
    | 'requireAdminMfa'
    | 'signInMaxFailures'
    | 'oidcRolesClaim'
    | 'oidcRoleMap'
    | 'roleNames'
  >;
  /** Single sign-on, when configured. */
  oidc?: OidcProvider | null;
}

/** The accounts subject, built by the composition root (container.ts) from its ports. */
export function createAccountsModule(deps: AccountsPorts) {
  // Parsed once at start-up: a wrong role id in STOPLINE_ROLE_NAMES stops the start.
  const roleNames = parseRoleNames(deps.config.roleNames);
  return {
    /** The roles with the names this organisation gives them, and what each may do. */
    listRoles: () => listRoles(roleNames),
    users: createUsersService(deps),
    sessions: createSessionService(deps),
    tokens: createTokensService(deps),
    /** The person's iCalendar feed URL (made, rotated, revoked) and who a feed URL reads as. */
    calendarFeeds: createCalendarFeedService(deps),
    mfa: createMfaService(deps),
    passwords: createPasswordService(deps),
    oidc: createOidcService(deps),
    /** Housekeeping (`serve` runs it hourly): credentials that can no longer matter go. */
    sweepExpired: () => sweepExpiredCredentials(deps),
  };
}

export { SWEEP_KEEP_DAYS } from './sweep-service.ts';

export type AccountsModule = ReturnType<typeof createAccountsModule>;

export type { ActiveUser } from './user-service.ts';
export type { UserRecord } from './user-repository.ts';
export type { SignedIn } from './session-service.ts';
export type { RequestOrigin } from './account-actors.ts';
export { OIDC_CALLBACK_PATH, type OidcChecks, type OidcProvider } from './oidc-service.ts';
export {
  ROLE_PERMISSIONS,
  ROLES,
  isRole,
  permissionsForRoles,
  type Role,
} from './role-permissions.ts';
export { PASSWORD_MIN_LENGTH } from './password-rules.ts';
export { csrfTokenFor, sameSecret } from './secrets.ts';
export { totpCodeAt } from './totp.ts';
export { createSecretBox, type SecretBox } from './secret-box.ts';
export { recordAudit, recordPersonalDataRead, type AnonymousCaller } from '../audit/index.ts';
export { type RoleView } from './role-names.ts';
