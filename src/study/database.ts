// DIR/results.duckdb: one row per point in table `points` (docs/studies.md). One writer, the
// coordinator, never writes the file readers open: it copies the database, writes the copy and
// renames it over the original, so a reader (`query`, `report`, `export`) always opens a whole,
// checkpointed file, holds no lock the writer waits for, and sees the points finished so far. A
// writer killed mid-write leaves the previous file intact (and a stale copy, removed next time).
// DuckDB is loaded on first use, so the engines and the browser bundle never need it.

import { copyFileSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { RunFileError } from '../model/errors.ts';
import type { PointRecord, ResultRow } from './types.ts';

export const DATABASE_FILE = 'results.duckdb';
const WRITING_SUFFIX = '.writing';

export const databasePath = (dir: string): string => join(dir, DATABASE_FILE);

async function duckdb() {
  return import('@duckdb/node-api');
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

type SqlType = 'DOUBLE' | 'VARCHAR' | 'BOOLEAN' | 'INTEGER' | 'TIMESTAMP';

/** The columns of a record, in table order, with their values and SQL types. */
function columnsOf(
  r: PointRecord,
): { name: string; type: SqlType; value: number | string | boolean | null }[] {
  const typed = (value: unknown): SqlType =>
    typeof value === 'number' ? 'DOUBLE' : typeof value === 'boolean' ? 'BOOLEAN' : 'VARCHAR';
  const p = r.provenance;
  return [
    { name: 'id', type: 'VARCHAR', value: r.id },
    { name: 'study', type: 'VARCHAR', value: r.study },
    { name: 'point_index', type: 'INTEGER', value: r.index },
    { name: 'status', type: 'VARCHAR', value: r.status },
    { name: 'error', type: 'VARCHAR', value: r.error },
    ...Object.entries(r.params).map(([name, value]) => ({ name, type: typed(value), value })),
    // An axis named like a metric (steps, trials) is the metric: its column holds the axis value.
    ...Object.entries(r.metrics)
      .filter(([name]) => !(name in r.params))
      .map(([name, value]) => ({ name, type: 'DOUBLE' as const, value })),
    ...Object.entries(p)
      .filter(([name]) => !(name in r.metrics))
      .map(([name, value]) => ({
        name,
        type: name.endsWith('_at') ? ('TIMESTAMP' as const) : typed(value),
        value: value as string | number | boolean | null,
      })),
  ];
}

async function ensureColumns(c: DuckDBConnection, columns: { name: string; type: SqlType }[]): Promise<void> {
  await c.run(
    'CREATE TABLE IF NOT EXISTS points (id VARCHAR PRIMARY KEY, study VARCHAR, point_index INTEGER, status VARCHAR, error VARCHAR)',
  );
  const have = new Set(
    (await c.runAndReadAll("SELECT column_name FROM information_schema.columns WHERE table_name = 'points'"))
      .getRowsJson()
      .map((row) => String(row[0])),
  );
  for (const col of columns) {
    if (have.has(col.name)) continue;
    await c.run(`ALTER TABLE points ADD COLUMN ${quoteIdent(col.name)} ${col.type}`);
    have.add(col.name);
  }
}

/** Writes (or replaces, by id) the records, atomically: readers see all of them or none. */
export async function writeRecords(dir: string, records: PointRecord[]): Promise<void> {
  if (records.length === 0) return;
  const path = databasePath(dir);
  const writing = path + WRITING_SUFFIX;
  rmSync(writing, { force: true });
  rmSync(`${writing}.wal`, { force: true });
  if (existsSync(path)) copyFileSync(path, writing);
  const { DuckDBInstance } = await duckdb();
  const instance = await DuckDBInstance.create(writing);
  const c = await instance.connect();
  try {
    const rows = records.map(columnsOf);
    await ensureColumns(c, rows.flat());
    for (const columns of rows) {
      const names = columns.map((col) => quoteIdent(col.name)).join(', ');
      const slots = columns.map((col, i) =>
        col.type === 'TIMESTAMP' ? `CAST($${i + 1} AS TIMESTAMP)` : `$${i + 1}`,
      );
      // A column a record lacks (a metric another point has) is null, by INSERT's own default.
      await c.run(
        `INSERT OR REPLACE INTO points (${names}) VALUES (${slots.join(', ')})`,
        columns.map((col) => col.value),
      );
    }
  } finally {
    c.closeSync();
    instance.closeSync();
  }
  renameSync(writing, path);
}

/** Removes what a writer killed mid-write left behind. */
export function removeStaleWrites(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir))
    if (f.startsWith(DATABASE_FILE + WRITING_SUFFIX)) rmSync(join(dir, f), { force: true });
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** Opens the database read-only for `use`; a missing database is bad input (exit 2). */
async function withReader<T>(dir: string, use: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const path = databasePath(dir);
  if (!existsSync(path)) throw new RunFileError(dir, `no ${DATABASE_FILE} here yet (no point has finished)`);
  const { DuckDBInstance } = await duckdb();
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const c = await instance.connect();
  try {
    return await use(c);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

export function query(dir: string, sql: string): Promise<QueryResult> {
  return withReader(dir, async (c) => {
    let reader;
    try {
      reader = await c.runAndReadAll(sql);
    } catch (e) {
      throw new RunFileError('SQL', (e as Error).message);
    }
    return { columns: reader.columnNames(), rows: reader.getRowsJson() };
  });
}

/** Every row of `points`, in run order, as plain values (timestamps as ISO text). */
export function readRows(dir: string): Promise<ResultRow[]> {
  return withReader(dir, async (c) => {
    const reader = await c.runAndReadAll('SELECT * FROM points ORDER BY point_index, id');
    return reader.getRowObjectsJson() as ResultRow[];
  });
}

/** Ids and statuses of the points already recorded (empty when there is no database yet). */
export async function recordedStatuses(dir: string): Promise<Map<string, string>> {
  if (!existsSync(databasePath(dir))) return new Map();
  const { rows } = await query(dir, 'SELECT id, status FROM points');
  return new Map(rows.map((r) => [String(r[0]), String(r[1])]));
}

export type ExportFormat = 'parquet' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['parquet', 'csv', 'json'];

/** Writes `points` to `file` (through a temporary file, renamed when complete). */
export function exportPoints(dir: string, format: ExportFormat, file: string): Promise<void> {
  const options = { parquet: 'FORMAT parquet', csv: 'FORMAT csv, HEADER', json: 'FORMAT json, ARRAY true' }[
    format
  ];
  const partial = `${file}.partial`;
  return withReader(dir, async (c) => {
    await c.run(
      `COPY (SELECT * FROM points ORDER BY point_index, id) TO '${partial.replace(/'/g, "''")}' (${options})`,
    );
    renameSync(partial, file);
  });
}

/** A CSV field: quoted when it holds a comma, quote or line break; null is empty. */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(result: QueryResult): string {
  return [result.columns, ...result.rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
