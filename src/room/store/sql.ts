/**
 * @module room/store/sql
 * The one door to a room's SQLite database: every value bound, every failure rethrown with its query
 * text (so the log says which statement failed), rows returned as plain records.
 */

/** One result row. */
export type Row = Record<string, SqlStorageValue>;

/** Raised when a statement fails; carries the query so the log says which one. */
export class SqlError extends Error {
  override readonly name = "SqlError";
  constructor(
    readonly query: string,
    cause: unknown,
  ) {
    super(`SQL failed: ${cause instanceof Error ? cause.message : String(cause)} — ${query}`, { cause });
  }
}

/** Thin typed access over `ctx.storage.sql` shared by the table stores. */
export class Sql {
  constructor(private readonly storage: DurableObjectStorage) {}

  /** All rows of a query. */
  rows(query: string, ...bindings: SqlStorageValue[]): Row[] {
    try {
      return this.storage.sql.exec<Row>(query, ...bindings).toArray();
    } catch (error) {
      throw new SqlError(query, error);
    }
  }

  /** The first row of a query, or null. */
  first(query: string, ...bindings: SqlStorageValue[]): Row | null {
    return this.rows(query, ...bindings)[0] ?? null;
  }

  /** Runs a statement; returns the number of rows written. */
  run(query: string, ...bindings: SqlStorageValue[]): number {
    try {
      return this.storage.sql.exec(query, ...bindings).rowsWritten;
    } catch (error) {
      throw new SqlError(query, error);
    }
  }

  /** Runs `write` atomically: every statement in it lands, or none. */
  transaction<T>(write: () => T): T {
    return this.storage.transactionSync(write);
  }
}

/** A nullable text column. */
export const textOrNull = (value: SqlStorageValue | undefined): string | null =>
  value === null || value === undefined ? null : String(value);
/** A nullable integer column. */
export const numberOrNull = (value: SqlStorageValue | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);
