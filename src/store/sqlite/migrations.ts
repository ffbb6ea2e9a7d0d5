/**
 * Versioned schema migrations, applied in order inside one transaction each. Append only: never
 * edit a migration that has shipped, add the next one.
 */
export const migrations: Array<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE ingestions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        files_ingested INTEGER NOT NULL,
        files_rejected INTEGER NOT NULL,
        files_skipped INTEGER NOT NULL,
        rows_added INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL,
        duplicates_dropped INTEGER NOT NULL,
        dataset_hash TEXT
      );
      CREATE TABLE ingested_files (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ingestion_id INTEGER NOT NULL REFERENCES ingestions(id),
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ingested', 'rejected')),
        rows_read INTEGER NOT NULL,
        rows_accepted INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL,
        duplicates INTEGER NOT NULL,
        rejected_by_reason TEXT NOT NULL,
        missing TEXT NOT NULL,
        reason TEXT,
        ingested_at TEXT NOT NULL
      );
      CREATE INDEX ingested_files_name ON ingested_files(name, id);
      CREATE TABLE datasets (
        hash TEXT PRIMARY KEY,
        rows INTEGER NOT NULL,
        path TEXT NOT NULL,
        missing TEXT NOT NULL,
        created_at TEXT NOT NULL,
        seq INTEGER NOT NULL
      );
      CREATE TABLE model_versions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        version TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL CHECK (status IN ('training', 'ready')),
        created_at TEXT NOT NULL,
        dataset_hash TEXT,
        path TEXT,
        training_rows INTEGER,
        training_ms REAL
      );
      CREATE TABLE scores (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        version TEXT NOT NULL,
        data_hash TEXT NOT NULL,
        data_path TEXT NOT NULL,
        rows INTEGER NOT NULL,
        f1 REAL NOT NULL,
        metrics TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX scores_version ON scores(version, id);
      CREATE TABLE deployments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        version TEXT NOT NULL,
        previous TEXT,
        action TEXT NOT NULL CHECK (action IN ('deploy', 'rollback', 'recover')),
        reason TEXT NOT NULL,
        deployed_at TEXT NOT NULL
      );
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        command TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
        timings TEXT NOT NULL DEFAULT '{}',
        error TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
      );
    `,
  },
  {
    version: 2,
    name: 'run outcomes and file modification times',
    sql: `
      ALTER TABLE runs ADD COLUMN outcome TEXT;
      ALTER TABLE ingested_files ADD COLUMN mtime_ms REAL;
    `,
  },
  {
    version: 3,
    name: 'source reads: per-source status, counts, watermark and content hash',
    sql: `
      CREATE TABLE source_reads (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ingestion_id INTEGER NOT NULL REFERENCES ingestions(id),
        source TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ingested', 'unchanged', 'failed')),
        rows_read INTEGER NOT NULL,
        rows_accepted INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL,
        duplicates INTEGER NOT NULL,
        rows_added INTEGER NOT NULL,
        rejected_by_reason TEXT NOT NULL,
        watermark TEXT,
        content_hash TEXT,
        error TEXT,
        read_at TEXT NOT NULL
      );
      CREATE INDEX source_reads_source ON source_reads(source, id);
    `,
  },
  {
    // Version 4 is PostgreSQL's model artifacts: the numbers stay those of the PostgreSQL schema.
    version: 5,
    name: 'score kinds: which scores are the model\'s history (test, batch, holdout) and which were ad hoc',
    sql: `
      ALTER TABLE scores ADD COLUMN kind TEXT NOT NULL DEFAULT 'test' CHECK (kind IN ('test', 'batch', 'holdout', 'adhoc'));
      ALTER TABLE scores ADD COLUMN measured_on TEXT;
      -- Before this column the kind sat in the metrics JSON: 'batch' and 'holdout' from runs; the
      -- drift command recorded its batches as 'batch' too but named the file or files it read
      -- (a run names 'run batch'), so those were ad hoc. A score without a kind stays 'test'.
      UPDATE scores SET kind = CASE
        WHEN json_extract(metrics, '$.kind') = 'holdout' THEN 'holdout'
        WHEN json_extract(metrics, '$.kind') = 'batch' AND data_path = 'run batch' THEN 'batch'
        WHEN json_extract(metrics, '$.kind') = 'batch' THEN 'adhoc'
        ELSE 'test' END;
    `,
  },
  {
    version: 6,
    name: 'runs: the process and host that recorded each run, so a killed one can be told from a live one',
    sql: `
      ALTER TABLE runs ADD COLUMN pid INTEGER;
      ALTER TABLE runs ADD COLUMN host TEXT;
    `,
  },
];
