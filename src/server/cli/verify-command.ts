// `stopline verify`: recompute every hash chain; exit 1 naming the first broken record.
import type { Config } from '../config.ts';
import { verifyAuditLog, verifyEventLog } from '../db/verify-chain.ts';
import { openMigratedDatabase } from './open-database.ts';
import type { Output } from './output.ts';

export async function verifyCommand(config: Config, out: Output): Promise<number> {
  const handle = await openMigratedDatabase(config);
  try {
    const events = await verifyEventLog(handle.db);
    const audit = await verifyAuditLog(handle.db);
    if (audit.broken) {
      const { seq, entryId, reason } = audit.broken;
      out.error(
        `BROKEN: audit trail, entry #${seq}${entryId ? ` (id ${entryId})` : ''}: ${reason}`,
      );
    }
    const first = events.breaks[0];
    if (first) {
      out.error(
        `BROKEN: event log stream ${first.streamId}, event #${first.seq}${first.eventId ? ` (id ${first.eventId})` : ''}: ${first.reason}`,
      );
      if (events.breaks.length > 1)
        out.error(`${events.breaks.length - 1} more stream(s) are broken`);
      return 1;
    }
    if (audit.broken) return 1;
    out.info(
      `event log OK: ${events.streams} streams, ${events.events} events, every hash matches`,
    );
    out.info(`audit trail OK: ${audit.entries} entries, every hash matches`);
    return 0;
  } finally {
    await handle.close();
  }
}
