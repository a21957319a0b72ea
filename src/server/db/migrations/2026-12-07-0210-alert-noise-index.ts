// Tuning proposals count every alert marked as noise, per detection rule (issue 18, item 4; see
// alerts/alert-repository.ts listNoiseMarks): an index of the noise-marked alerts only, in rule
// order, so the counts are a scan of this index (no sort, no read of the table) and a rule's latest
// marks a seek. Partial: alerts not marked as noise are not in it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('alerts_noise')
    .on('alerts')
    .columns(['source_id', 'similar_key', 'noise_at', 'id'])
    .where(sql.ref('noise_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('alerts_noise').execute();
}
