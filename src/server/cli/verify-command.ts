// `stopline verify [--anchor FILE]`: recompute every hash chain and walk the global sequence over
// every event and audit entry (a stream deleted whole or an audit trail cut short is a gap in it);
// exit 1 naming the first broken record. With an anchor (`stopline anchor`), also check that
// every chain it names is still there and was only extended since.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { anchorSignatureMatches, checkAgainstAnchor, parseAnchor } from '../db/chain-anchor.ts';
import type { Db } from '../db/schema.ts';
import { verifyLedger } from '../db/global-ledger.ts';
import { verifyAuditLog, verifyEventLog } from '../db/verify-chain.ts';
import { findSecretKey } from '../secret-key.ts';
import { openMigratedDatabase } from './open-database.ts';
import type { Output } from './output.ts';

export const VERIFY_USAGE = 'Usage: stopline verify [--anchor FILE]';

export async function verifyCommand(
  config: Config,
  out: Output,
  args: string[] = [],
): Promise<number> {
  let anchorFile: string | undefined;
  try {
    anchorFile = parseArgs({ args, options: { anchor: { type: 'string' } }, strict: true }).values
      .anchor;
  } catch (error) {
    out.error(`stopline verify: ${(error as Error).message}\n\n${VERIFY_USAGE}`);
    return 2;
  }
  let anchor = null;
  if (anchorFile !== undefined) {
    let text;
    try {
      text = readFileSync(anchorFile, 'utf8');
    } catch (error) {
      out.error(`stopline verify: cannot read ${anchorFile} (${(error as Error).message})`);
      return 2;
    }
    anchor = parseAnchor(text);
    if (!anchor) {
      out.error(`stopline verify: ${anchorFile} is not a Stopline anchor (stopline anchor FILE)`);
      return 2;
    }
    const key = findSecretKey(config);
    if (!key) {
      out.error('stopline verify: no server key to check the anchor’s signature with');
      return 2;
    }
    if (!anchorSignatureMatches(anchor, key)) {
      out.error(
        `BROKEN: the anchor ${anchorFile} does not match its signature: it was edited, or made with another server key`,
      );
      return 1;
    }
  }
  const handle = await openMigratedDatabase(config);
  try {
    const chainsOk = await verifyChains(handle.db, out);
    if (!anchor) return chainsOk ? 0 : 1;
    const breaks = await checkAgainstAnchor(handle.db, anchor);
    for (const broken of breaks.slice(0, 20))
      out.error(
        `BROKEN against the anchor of ${anchor.createdAt}: ${broken.what} ${broken.reason}`,
      );
    if (breaks.length > 20) out.error(`${breaks.length - 20} more break(s) against the anchor`);
    if (breaks.length === 0)
      out.info(
        `anchor of ${anchor.createdAt} OK: its ${anchor.streams.length} stream heads and the audit trail at #${anchor.audit.seq} are all here, extended since`,
      );
    return chainsOk && breaks.length === 0 ? 0 : 1;
  } finally {
    await handle.close();
  }
}

async function verifyChains(db: Db, out: Output): Promise<boolean> {
  const events = await verifyEventLog(db);
  const audit = await verifyAuditLog(db);
  const ledger = await verifyLedger(db);
  if (ledger.broken)
    out.error(`BROKEN: global sequence, #${ledger.broken.seq}: ${ledger.broken.reason}`);
  if (audit.broken) {
    const { seq, entryId, reason } = audit.broken;
    out.error(`BROKEN: audit trail, entry #${seq}${entryId ? ` (id ${entryId})` : ''}: ${reason}`);
  }
  const first = events.breaks[0];
  if (first) {
    out.error(
      `BROKEN: event log stream ${first.streamId}, event #${first.seq}${first.eventId ? ` (id ${first.eventId})` : ''}: ${first.reason}`,
    );
    if (events.breaks.length > 1)
      out.error(`${events.breaks.length - 1} more stream(s) are broken`);
    return false;
  }
  if (audit.broken || ledger.broken) return false;
  out.info(`event log OK: ${events.streams} streams, ${events.events} events, every hash matches`);
  out.info(`audit trail OK: ${audit.entries} entries, every hash matches`);
  out.info(`global sequence OK: ${ledger.numbered} numbers without a gap, each entry still there`);
  return true;
}
