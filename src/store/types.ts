/**
 * The metadata store: what riskwatch did and when. One interface, one folder per backend
 * (sqlite/, postgres/). Methods are async so a networked backend fits the same shape.
 */

import type { CommandRecord as ShownCommandRecord } from '../contracts/api.js';

export interface IngestedFileRecord {
  ingestionId?: number;
  name: string;
  path: string;
  size: number;
  sha256: string;
  status: 'ingested' | 'rejected';
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  duplicates: number;
  rejectedByReason: Record<string, number>;
  missing: Record<string, number>;
  reason?: string;
  ingestedAt: string;
  /** Modification time when read: with size, a cheap "unchanged?" check before hashing. */
  mtimeMs?: number;
}

export interface DatasetRecord {
  hash: string;
  rows: number;
  path: string;
  createdAt: string;
  missing: Record<string, number>;
}

export interface IngestionRecord {
  startedAt: string;
  finishedAt: string;
  filesIngested: number;
  filesRejected: number;
  filesSkipped: number;
  rowsAdded: number;
  rowsRejected: number;
  duplicatesDropped: number;
  datasetHash: string | null;
}

/** The rows a file or a source gave an ingestion, as ingest counts them (ingest-types.ts extends it). */
export interface RowCounts {
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  duplicates: number;
  /** Rows added to the dataset (accepted minus duplicates). */
  rowsAdded: number;
  rejectedByReason: Record<string, number>;
}

/**
 * One source's part in one ingestion. For a database source, `watermark` / `contentHash` are where
 * its next read starts (written in the same transaction as the dataset record, so a crash before
 * it means the rows are read again and dedup keeps the dataset exact).
 */
export interface SourceReadRecord extends RowCounts {
  source: string;
  type: 'folder' | 'sqlite' | 'postgres';
  status: 'ingested' | 'unchanged' | 'failed';
  /** Opaque text encoded by the source; null without a watermark column. */
  watermark: string | null;
  contentHash: string | null;
  /** Why a failed read failed (passwords masked). */
  error: string | null;
  readAt: string;
}

export interface ModelRecord {
  version: string;
  createdAt: string;
  datasetHash: string;
  path: string;
  trainingRows: number;
  trainingMs: number;
}

/**
 * What a score measured. The model's history — the scores its drift floors are computed from and
 * the one its "latest F1" is — holds `test` (the test data), `batch` (a run's new labelled rows)
 * and `holdout` (the newest rows a run held out of the challenger's training). `adhoc` is any
 * other file someone scored or checked by hand: recorded and shown, never part of the history.
 */
export type ScoreKind = 'test' | 'batch' | 'holdout' | 'adhoc';

export interface ScoreRecord {
  version: string;
  kind: ScoreKind;
  dataHash: string;
  dataPath: string;
  rows: number;
  f1: number;
  metrics: Record<string, unknown>;
  createdAt: string;
  /** What the score was measured on, in words (no absolute paths); null for scores recorded before it existed. */
  measuredOn: string | null;
}

export interface DeploymentRecord {
  id?: number;
  version: string;
  previous: string | null;
  action: 'deploy' | 'rollback' | 'recover';
  reason: string;
  deployedAt: string;
}

/** A recorded command as the store keeps it: the API's record before its detail is parsed and its
 * timings are also given in seconds (src/store/command-detail.ts, command-timings.ts). */
export type CommandRecord = Omit<ShownCommandRecord, 'detail' | 'timingsUnit' | 'timingsSeconds'> & { detail: Record<string, unknown> };

/** The process that made a command record: its id on `host` (the machine's host name). */
export interface RecordOwner {
  pid: number;
  host: string;
}

/** A lock held until released (or until the process holding it dies). */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * What a store shared by several machines (postgres) also keeps, so that any machine can load
 * the production model and only one pipeline run happens at a time: model artifacts keyed by
 * version, the production pointer (the latest deployment) and the run lock. A store without it
 * (sqlite) leaves those to files in the workspace. src/registry/deployment.ts and
 * src/pipeline/lock.ts pick one or the other; nothing else asks.
 */
export interface SharedStore {
  /** Where the store is, for messages: never contains a password. */
  describe(): string;
  /** Store an artifact (a JSON document) of a version; artifacts are immutable: an existing one is an error. */
  saveArtifact(version: string, name: string, content: string): Promise<void>;
  loadArtifact(version: string, name: string): Promise<string | undefined>;
  hasArtifacts(version: string): Promise<boolean>;
  /** The version in production: the latest deployment (its id changes with every deploy/rollback). */
  productionVersion(): Promise<{ version: string; deploymentId: number } | undefined>;
  /**
   * One transaction, serialised against every other deploy: read the version in production,
   * record the deployment of `version` (which must have a stored model artifact), return it.
   */
  promote(version: string, action: 'deploy' | 'rollback', reason: string, deployedAt: string): Promise<DeploymentRecord>;
  /**
   * Take the run lock for every machine sharing the store, or say who holds it. `onLost` is
   * called if the lock's connection breaks while held (the server has then dropped the lock).
   */
  tryRunLock(what: string, onLost?: (why: string) => void): Promise<{ lock: HeldLock } | { holder: string }>;
}

export interface Store {
  /** Set by stores shared by several machines; absent for the single-machine sqlite store. */
  readonly shared?: SharedStore;
  /** Apply pending migrations (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** The latest record per file name, ingested or rejected. */
  latestFileRecords(): Promise<IngestedFileRecord[]>;
  /** One transaction: the ingestion, its files and (when written) the new dataset. */
  recordIngestion(ingestion: IngestionRecord, files: IngestedFileRecord[], dataset: DatasetRecord | null, sources?: SourceReadRecord[]): Promise<number>;
  /** Per source name, its latest read that did not fail (where the next read starts). */
  latestSourceReads(): Promise<SourceReadRecord[]>;
  latestDataset(): Promise<DatasetRecord | undefined>;
  getDataset(hash: string): Promise<DatasetRecord | undefined>;
  recordDataset(dataset: DatasetRecord): Promise<void>;

  /** Reserve the next version id (v1, v2, ...); safe against concurrent callers. */
  reserveModelVersion(createdAt: string): Promise<string>;
  completeModel(model: ModelRecord): Promise<void>;
  getModel(version: string): Promise<ModelRecord | undefined>;
  listModels(): Promise<ModelRecord[]>;

  recordScore(score: ScoreRecord): Promise<void>;
  scores(version?: string): Promise<ScoreRecord[]>;

  recordDeployment(deployment: DeploymentRecord): Promise<void>;
  deployments(): Promise<DeploymentRecord[]>;

  /** Record a `running` command record of `command`, owned by `owner` (default: this process on this host). */
  startCommandRecord(command: string, startedAt: string, owner?: RecordOwner): Promise<number>;
  finishCommandRecord(id: number, status: 'ok' | 'failed', finishedAt: string, timings: Record<string, number>, error: string | null, detail: Record<string, unknown>, outcome?: string): Promise<void>;
  commandRecords(limit?: number): Promise<CommandRecord[]>;
  /**
   * Close every record of `command` still `running` other than `exceptId` as failed with outcome
   * `interrupted` and `error` (the caller holds the run lock, so they cannot be alive); their ids.
   */
  interruptCommandRecords(command: string, exceptId: number, finishedAt: string, error: string): Promise<number[]>;
  /** The command records still `running` that were made by a process on `host` (records made before pids were kept have none). */
  runningRecordsOn(host: string): Promise<Array<{ id: number; command: string; pid: number }>>;
  /** Close those of `ids` still `running` as failed with outcome `interrupted` and `error`; the ids closed. */
  interruptRecordIds(ids: number[], finishedAt: string, error: string): Promise<number[]>;
}
