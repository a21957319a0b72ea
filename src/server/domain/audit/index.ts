// The audit trail's public surface: record inside your own transaction; list and export for admins.
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/schema.ts';
import { createAuditService } from './audit-service.ts';

export interface AuditPorts {
  db: Db;
  clock: Clock;
}

/** The audit subject, built by the composition root (container.ts) from its ports. */
export function createAuditModule(ports: AuditPorts) {
  return createAuditService(ports);
}

export type AuditModule = ReturnType<typeof createAuditModule>;

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
