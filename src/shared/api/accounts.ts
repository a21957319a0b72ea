// The HTTP contract for staff accounts, sessions, API tokens and the audit trail.
import { z } from 'zod';
import { PERMISSIONS } from '../domain/permissions.ts';

export const Email = z.email('must be an email address').max(254).trim();
export const IsoTime = z.iso.datetime({ offset: true });
const Name = z.string().trim().min(1, 'must not be empty').max(200);
const RoleName = z.string().min(1).max(64);
export const PermissionName = z.enum(PERMISSIONS);

export const Contact = z.object({
  kind: z.enum(['email', 'phone', 'sms', 'slack', 'signal', 'other']),
  value: z.string().trim().min(1).max(300),
});
export type Contact = z.infer<typeof Contact>;

export const UserView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  status: z.enum(['active', 'disabled']),
  awayUntil: IsoTime.nullable(),
  contacts: z.array(Contact),
  mfaEnabled: z.boolean(),
  hasPassword: z.boolean(),
  createdAt: IsoTime,
});
export type UserView = z.infer<typeof UserView>;

export const CreateUserBody = z.object({
  email: Email,
  displayName: Name,
  roles: z.array(RoleName).min(1).max(10),
  contacts: z.array(Contact).max(20).optional(),
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z.object({
  displayName: Name.optional(),
  roles: z.array(RoleName).min(1).max(10).optional(),
  status: z.enum(['active', 'disabled']).optional(),
  awayUntil: IsoTime.nullable().optional(),
  contacts: z.array(Contact).max(20).optional(),
});
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const UpdateProfileBody = UpdateUserBody.pick({
  displayName: true,
  awayUntil: true,
  contacts: true,
});
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

export const CreatedUser = z.object({
  user: UserView,
  setPasswordLink: z.string(),
  linkExpiresAt: IsoTime,
});

export const PasswordLink = z.object({ setPasswordLink: z.string(), linkExpiresAt: IsoTime });

export const SignInBody = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
  /** A TOTP code or a recovery code, when the account has a second factor. */
  code: z.string().trim().min(1).max(64).optional(),
});
export type SignInBody = z.infer<typeof SignInBody>;

export const SessionView = z.object({
  user: UserView,
  permissions: z.array(z.string()),
  /** Send back in the X-CSRF-Token header on every state-changing request. */
  csrfToken: z.string().nullable(),
  authenticatedBy: z.enum(['session', 'token']),
  /** True when the policy requires a second factor this user has not enrolled yet. */
  mfaEnrolmentRequired: z.boolean(),
});
export type SessionView = z.infer<typeof SessionView>;

export const SetupBody = z.object({
  token: z.string().min(1).max(200),
  email: Email,
  displayName: Name,
  password: z.string().min(1).max(1024),
});

export const SetPasswordBody = z.object({
  token: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

export const PasswordLinkBody = SetPasswordBody.pick({ token: true });
/** Whose account a set-password link is for. */
export const PasswordLinkAccount = z.object({ email: z.string(), displayName: z.string() });

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});

export const MfaEnrolment = z.object({
  secret: z.string(),
  otpauthUri: z.string(),
  qrCodeDataUrl: z.string(),
});
export const MfaCodeBody = z.object({ code: z.string().trim().min(1).max(64) });
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });

export const TokenView = z.object({
  id: z.string(),
  name: z.string(),
  permissions: z.array(z.string()),
  createdAt: IsoTime,
  expiresAt: IsoTime.nullable(),
  revokedAt: IsoTime.nullable(),
  lastUsedAt: IsoTime.nullable(),
});
export type TokenView = z.infer<typeof TokenView>;

export const CreateTokenBody = z.object({
  name: Name,
  permissions: z.array(PermissionName).min(1),
  expiresAt: IsoTime.optional(),
});
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;

export const CreatedToken = z.object({
  /** Shown once; only its hash is stored. */
  token: z.string(),
  tokenInfo: TokenView,
});

export const AuditEntryView = z.object({
  seq: z.number(),
  id: z.string(),
  at: IsoTime,
  actor: z.object({
    kind: z.string(),
    id: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string(),
});

/** The audit trail's hash chain, recomputed: intact, or the first entry that does not match. */
export const AuditVerification = z.object({
  entries: z.number(),
  intact: z.boolean(),
  broken: z
    .object({ seq: z.number(), entryId: z.string().nullable(), reason: z.string() })
    .nullable(),
  checkedAt: IsoTime,
});

export const AuditQueryParams = z.object({
  action: z.string().max(100).optional(),
  actorId: z.string().max(100).optional(),
  targetType: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  beforeSeq: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export type AuditQueryParams = z.infer<typeof AuditQueryParams>;

/** A role as people in this organisation call it (STOPLINE_ROLE_NAMES), and its permissions. */
export const RoleInfo = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
});
export type RoleInfo = z.infer<typeof RoleInfo>;
