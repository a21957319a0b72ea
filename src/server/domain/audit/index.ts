// The audit trail's public surface: record inside your own transaction; list and export for admins.
export {
  createAuditService,
  recordAudit,
  recordPersonalDataRead,
  type AnonymousCaller,
  type AuditQuery,
  type AuditRecord,
  type AuditService,
} from './audit-service.ts';
export type { AuditEntry } from './audit-format.ts';
