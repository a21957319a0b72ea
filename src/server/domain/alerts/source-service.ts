// Alert sources, managed by admins: each monitoring tool that may send alerts gets a key (shown
// once, stored as its SHA-256, rotatable) and optionally a signing secret for an HMAC check of
// every payload (shown once, sealed with the server key). Every change is audited.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, type FieldError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { AlertSourceKind } from '../../../shared/domain/alerts.ts';
import { sha256Hex } from './payload-signature.ts';
import { GenericMappingSchema, type GenericMapping } from './intake-rules.ts';
import * as sources from './source-repository.ts';
import type { AlertSourceRecord } from './source-repository.ts';

export interface SecretSealer {
  seal(plain: string): string;
  open(stored: string): string;
}

export interface SourceDeps {
  db: Db;
  clock: Clock;
  /** Signing secrets are sealed with the server key: the check needs them back. */
  sealer: SecretSealer;
}

/** A source as admins see it: never its key or signing secret. */
export type AlertSourceView = Omit<AlertSourceRecord, 'keyHash' | 'signingSecret'> & {
  signatureCheck: boolean;
};

export interface SourceInput {
  name: string;
  kind: AlertSourceKind;
  ratePerMinute?: number | undefined;
  /** Make a signing secret and check every payload's HMAC signature. */
  signature?: boolean | undefined;
  signatureHeader?: string | undefined;
  /** generic only: where its fields are. */
  mapping?: unknown;
}

export interface SourceChanges {
  name?: string | undefined;
  enabled?: boolean | undefined;
  ratePerMinute?: number | undefined;
  signatureHeader?: string | undefined;
  mapping?: unknown;
}

export const DEFAULT_RATE_PER_MINUTE = 600;

/** The header a tool signs with by default. */
export function defaultSignatureHeader(kind: AlertSourceKind): string {
  return kind === 'grafana' ? 'x-grafana-alerting-signature' : 'x-stopline-signature';
}

/** 128 random bits as 32 hex characters: the length of a PagerDuty integration key. */
const newKey = () => randomBytes(16).toString('hex');
const newSigningSecret = () => randomBytes(32).toString('base64url');

const invalid = (errors: FieldError[]) =>
  new AppError('VALIDATION', 'Some fields are not valid; see errors', { errors });

function mappingOf(kind: AlertSourceKind, mapping: unknown): GenericMapping | null {
  if (kind !== 'generic') {
    if (mapping !== undefined && mapping !== null)
      throw invalid([{ field: 'mapping', message: 'only a generic source has a mapping' }]);
    return null;
  }
  if (mapping === undefined || mapping === null)
    throw invalid([{ field: 'mapping', message: 'a generic source needs a mapping' }]);
  const parsed = GenericMappingSchema.safeParse(mapping);
  if (!parsed.success) {
    throw invalid(
      parsed.error.issues.map((i) => ({
        field: ['mapping', ...i.path.map(String)].join('.'),
        message: i.message,
      })),
    );
  }
  return parsed.data;
}

const HeaderName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name')
  .transform((h) => h.toLowerCase());

function headerOf(value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  const parsed = HeaderName.safeParse(value);
  if (!parsed.success)
    throw invalid([{ field: 'signatureHeader', message: 'must be an HTTP header name' }]);
  return parsed.data;
}

export function viewSource(s: AlertSourceRecord): AlertSourceView {
  const { keyHash: _hash, signingSecret, ...rest } = s;
  return { ...rest, signatureCheck: signingSecret !== null };
}

export function createSourceService(deps: SourceDeps) {
  const { db, clock, sealer } = deps;

  async function load(tx: Executor, id: string): Promise<AlertSourceRecord> {
    const found = await sources.findSource(tx, id);
    if (!found) throw new AppError('NOT_FOUND', 'Alert source was not found');
    return found;
  }

  async function assertNameFree(tx: Executor, name: string, id: string | null) {
    const other = await sources.findSourceByName(tx, name);
    if (other && other.id !== id) {
      throw new AppError('CONFLICT', `An alert source is already named "${name}"`, {
        errors: [{ field: 'name', message: 'is taken by another source' }],
      });
    }
  }

  const audit = (tx: Executor, actor: Actor, action: string, s: AlertSourceRecord, at: number) =>
    recordAudit(tx, {
      actor,
      action,
      target: { type: 'alert_source', id: s.id },
      at,
      detail: { name: s.name, kind: s.kind },
    });

  return {
    async listSources(): Promise<AlertSourceView[]> {
      return (await sources.listSources(db)).map(viewSource);
    },

    async getSource(id: string): Promise<AlertSourceView> {
      return viewSource(await load(db, id));
    },

    /** The key (and the signing secret, when asked for) are in this answer only. */
    async createSource(
      actor: Actor,
      input: SourceInput,
    ): Promise<{ source: AlertSourceView; key: string; signingSecret: string | null }> {
      const key = newKey();
      const signingSecret = input.signature ? newSigningSecret() : null;
      const now = clock.now();
      const record: AlertSourceRecord = {
        id: newId(),
        name: input.name,
        kind: input.kind,
        keyHash: sha256Hex(key),
        keyHint: key.slice(-4),
        signingSecret: signingSecret === null ? null : sealer.seal(signingSecret),
        signatureHeader: headerOf(input.signatureHeader, defaultSignatureHeader(input.kind)),
        mapping: mappingOf(input.kind, input.mapping),
        ratePerMinute: input.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE,
        enabled: true,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
        keyRotatedAt: null,
      };
      await inTransaction(db, async (tx) => {
        await assertNameFree(tx, record.name, null);
        await sources.insertSource(tx, record);
        await audit(tx, actor, 'alert_source.created', record, now);
      });
      return { source: viewSource(record), key, signingSecret };
    },

    async updateSource(actor: Actor, id: string, changes: SourceChanges): Promise<AlertSourceView> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const s = await load(tx, id);
        if (changes.name !== undefined) await assertNameFree(tx, changes.name, id);
        const next: AlertSourceRecord = {
          ...s,
          name: changes.name ?? s.name,
          enabled: changes.enabled ?? s.enabled,
          ratePerMinute: changes.ratePerMinute ?? s.ratePerMinute,
          signatureHeader: headerOf(changes.signatureHeader, s.signatureHeader ?? ''),
          mapping: changes.mapping === undefined ? s.mapping : mappingOf(s.kind, changes.mapping),
          updatedAt: now,
        };
        await sources.updateSource(tx, next);
        await audit(tx, actor, 'alert_source.updated', next, now);
        return viewSource(next);
      });
    },

    /** A new key, shown once; the old one stops working at once. */
    async rotateKey(actor: Actor, id: string): Promise<{ source: AlertSourceView; key: string }> {
      const key = newKey();
      const source = await inTransaction(db, async (tx) => {
        const now = clock.now();
        const s = await load(tx, id);
        const next = {
          ...s,
          keyHash: sha256Hex(key),
          keyHint: key.slice(-4),
          keyRotatedAt: now,
          updatedAt: now,
        };
        await sources.updateSource(tx, next);
        await audit(tx, actor, 'alert_source.key_rotated', next, now);
        return viewSource(next);
      });
      return { source, key };
    },

    /** A new signing secret (shown once): from now on every payload must carry its signature. */
    async rotateSigningSecret(
      actor: Actor,
      id: string,
    ): Promise<{ source: AlertSourceView; signingSecret: string }> {
      const signingSecret = newSigningSecret();
      const source = await inTransaction(db, async (tx) => {
        const now = clock.now();
        const s = await load(tx, id);
        const next = { ...s, signingSecret: sealer.seal(signingSecret), updatedAt: now };
        await sources.updateSource(tx, next);
        await audit(tx, actor, 'alert_source.signing_secret_rotated', next, now);
        return viewSource(next);
      });
      return { source, signingSecret };
    },

    /** Payloads are no longer signature-checked (the key still is). */
    async removeSigningSecret(actor: Actor, id: string): Promise<AlertSourceView> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const s = await load(tx, id);
        const next = { ...s, signingSecret: null, updatedAt: now };
        await sources.updateSource(tx, next);
        await audit(tx, actor, 'alert_source.signing_secret_removed', next, now);
        return viewSource(next);
      });
    },
  };
}
