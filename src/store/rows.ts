/**
 * Table rows → records: the same columns in both backends (their migrations mirror each other), so
 * one mapping serves both. Counts go through Number() because PostgreSQL may hand BIGINT back as text.
 */
import type { DatasetRecord, DeploymentRecord, IngestedFileRecord, ModelRecord, ScoreRecord, SourceReadRecord } from './types.js';

export type Row = Record<string, unknown>;

export function toFile(r: Row): IngestedFileRecord {
  return {
    ingestionId: r.ingestion_id as number,
    name: r.name as string,
    path: r.path as string,
    size: r.size as number,
    sha256: r.sha256 as string,
    status: r.status as IngestedFileRecord['status'],
    rowsRead: r.rows_read as number,
    rowsAccepted: r.rows_accepted as number,
    rowsRejected: r.rows_rejected as number,
    duplicates: r.duplicates as number,
    rejectedByReason: JSON.parse(r.rejected_by_reason as string),
    missing: JSON.parse(r.missing as string),
    reason: (r.reason as string | null) ?? undefined,
    ingestedAt: r.ingested_at as string,
    mtimeMs: (r.mtime_ms as number | null) ?? undefined,
  };
}

export function toDataset(r: Row): DatasetRecord {
  return { hash: r.hash as string, rows: r.rows as number, path: r.path as string, createdAt: r.created_at as string, missing: JSON.parse(r.missing as string) };
}

export function toModel(r: Row): ModelRecord {
  return {
    version: r.version as string,
    createdAt: r.created_at as string,
    datasetHash: r.dataset_hash as string,
    path: r.path as string,
    trainingRows: r.training_rows as number,
    trainingMs: r.training_ms as number,
  };
}

export function toDeployment(r: Row): DeploymentRecord {
  return {
    id: r.id as number,
    version: r.version as string,
    previous: (r.previous as string | null) ?? null,
    action: r.action as DeploymentRecord['action'],
    reason: r.reason as string,
    deployedAt: r.deployed_at as string,
  };
}

export function toSourceRead(r: Row): SourceReadRecord {
  return {
    source: r.source as string,
    type: r.type as SourceReadRecord['type'],
    status: r.status as SourceReadRecord['status'],
    rowsRead: Number(r.rows_read),
    rowsAccepted: Number(r.rows_accepted),
    rowsRejected: Number(r.rows_rejected),
    duplicates: Number(r.duplicates),
    rowsAdded: Number(r.rows_added),
    rejectedByReason: JSON.parse(r.rejected_by_reason as string),
    watermark: (r.watermark as string | null) ?? null,
    contentHash: (r.content_hash as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    readAt: r.read_at as string,
  };
}

export function toScore(r: Row): ScoreRecord {
  return {
    version: r.version as string,
    kind: (r.kind as ScoreRecord['kind'] | undefined) ?? 'test',
    dataHash: r.data_hash as string,
    dataPath: r.data_path as string,
    rows: r.rows as number,
    f1: r.f1 as number,
    metrics: JSON.parse(r.metrics as string),
    createdAt: r.created_at as string,
    measuredOn: (r.measured_on as string | null | undefined) ?? null,
  };
}
