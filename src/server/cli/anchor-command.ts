// `stopline anchor [FILE]`: every chain head now, signed with the server key (db/chain-anchor.ts),
// written to FILE (never over one that exists) or to stdout, and, when STOPLINE_ANCHOR_WEBHOOK_URL
// is set, POSTed there as a Standard Webhook (signed with STOPLINE_ANCHOR_WEBHOOK_SECRET). Keep
// anchors where the database's administrators cannot change them; `stopline verify --anchor FILE`
// checks a database against one.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import { makeAnchor, type ChainAnchor } from '../db/chain-anchor.ts';
import { parseAllowList } from '../integrations/outbound-address.ts';
import { createHttpPoster } from '../integrations/outbound-http.ts';
import { standardWebhookHeaders } from '../integrations/webhook-sender.ts';
import { writePrivateFileSync } from '../private-files.ts';
import { findSecretKey } from '../secret-key.ts';
import { openMigratedDatabase } from './open-database.ts';
import type { Output } from './output.ts';

export const ANCHOR_USAGE = 'Usage: stopline anchor [FILE]   (no FILE: the anchor on stdout)';

/** The webhook's body: the Standard Webhooks envelope (type, timestamp, data) around the anchor. */
export function anchorWebhookBody(anchor: ChainAnchor): string {
  return JSON.stringify({ type: 'stopline.anchor', timestamp: anchor.createdAt, data: anchor });
}

/** The same anchor always has the same message id, so a receiver can drop a repeated post. */
export function anchorWebhookId(anchor: ChainAnchor): string {
  return `anchor_${createHash('sha256').update(anchor.signature).digest('hex').slice(0, 32)}`;
}

async function postAnchor(config: Config, anchor: ChainAnchor, url: string, secret: string) {
  const poster = createHttpPoster({ allow: parseAllowList(config.outboundAllow) });
  const body = anchorWebhookBody(anchor);
  try {
    const seconds = Math.floor(Date.now() / 1000);
    await poster.post(
      url,
      body,
      standardWebhookHeaders(secret, anchorWebhookId(anchor), seconds, body),
    );
  } finally {
    poster.close();
  }
}

export async function anchorCommand(config: Config, args: string[], out: Output): Promise<number> {
  if (args.length > 1 || args[0]?.startsWith('-')) {
    out.error(ANCHOR_USAGE);
    return 2;
  }
  const file = args[0] === undefined ? null : resolve(args[0]);
  if (file && existsSync(file)) {
    out.error(`stopline anchor: ${file} exists; name a new file`);
    return 1;
  }
  const key = findSecretKey(config);
  if (!key) {
    out.error(
      'stopline anchor: no server key (STOPLINE_SECRET_KEY, or secret.key in the data folder) to sign with',
    );
    return 2;
  }
  const handle = await openMigratedDatabase(config);
  let anchor: ChainAnchor;
  try {
    anchor = await makeAnchor(handle.db, key, Date.now());
  } finally {
    await handle.close();
  }
  const text = JSON.stringify(anchor, null, 2) + '\n';
  if (file) {
    writePrivateFileSync(file, text);
    out.info(
      `anchor written to ${file}: ${anchor.streams.length} stream heads and the audit trail at #${anchor.audit.seq}, signed with the server key`,
    );
  } else {
    out.info(text.trimEnd());
  }
  const { anchorWebhookUrl: url, anchorWebhookSecret: secret } = config;
  if (!url || !secret) return 0;
  // The URL may carry credentials: messages name the setting, never the URL.
  try {
    await postAnchor(config, anchor, url, secret);
  } catch (error) {
    out.error(
      `stopline anchor: not posted to STOPLINE_ANCHOR_WEBHOOK_URL (${(error as Error).message})${file ? `; the anchor is in ${file}` : ''}`,
    );
    return 1;
  }
  const posted = `anchor posted to STOPLINE_ANCHOR_WEBHOOK_URL as webhook ${anchorWebhookId(anchor)}`;
  // Without FILE, stdout is the anchor alone (for a pipe), so the confirmation goes to stderr.
  if (file) out.info(posted);
  else out.error(posted);
  return 0;
}
