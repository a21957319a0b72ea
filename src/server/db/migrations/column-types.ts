// Portable column types for migrations. Frozen with the migrations: change only by adding new ones.
import type { ColumnDataType } from 'kysely';

export type MigrationDialect = 'sqlite' | 'postgres';

export function columnTypes(dialect: MigrationDialect) {
  const pg = dialect === 'postgres';
  return {
    id: 'text' as ColumnDataType,
    text: 'text' as ColumnDataType,
    /** Epoch milliseconds. */
    time: (pg ? 'bigint' : 'integer') as ColumnDataType,
    int: 'integer' as ColumnDataType,
    bigint: (pg ? 'bigint' : 'integer') as ColumnDataType,
    bool: (pg ? 'boolean' : 'integer') as ColumnDataType,
    json: (pg ? 'jsonb' : 'text') as ColumnDataType,
    /** Raw bytes (a stored file's content). */
    bytes: (pg ? 'bytea' : 'blob') as ColumnDataType,
  };
}
