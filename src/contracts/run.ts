/**
 * What a run of the pipeline returns and records. A contract between the pipeline, which makes it,
 * and the report, the CLI and the server, which read it: types only, no imports, so that the
 * report does not depend on the pipeline (nor the dashboard on Node).
 */

/** Where a completed run's report was written, or why it was not. */
export type RunReport = { dir: string; pdf: string; files: number; ms: number } | { error: string };

/**
 * Writes a completed run's report. The interface that starts a run (the CLI, the server) gives it
 * to the pipeline (report/run-report.ts: runReportWriter), so the pipeline never imports the
 * report, which reads what runs recorded.
 */
export interface RunReportWriter {
  /** The run has new data and will likely end with a report: warm the renderer up meanwhile. */
  start(): Promise<void>;
  /** Write the report of this completed run; a failure is returned, never thrown. */
  write(run: RunResult): Promise<RunReport>;
}

export type RunStatus = 'noop' | 'completed' | 'failed' | 'locked';

export interface RunResult {
  runId: number | null;
  status: RunStatus;
  newData: boolean;
  ingested: { files: number; rowsAdded: number; rowsRejected: number; filesRejected: number; rejectedFiles?: Array<{ name: string; reason: string }>; sourcesFailed?: string[] } | null;
  drift: { dataset: boolean | null; prediction: boolean | null; model: boolean | null };
  /** Level per feature of this run's drift check (none | possible | drift), when one ran. */
  featureDrift?: Record<string, string>;
  retrained: boolean;
  /**
   * The version this run trained: its F1 (test data for a first model, else the held-out newest
   * rows), its model family, and — model.family "auto" — both families' validation figures that
   * chose it (issue 16 item 5).
   */
  challenger: { version: string; f1: number; family?: 'logistic' | 'gbdt'; candidates?: Array<{ family: 'logistic' | 'gbdt'; logLoss: number; rocAuc: number }> } | null;
  champion: { version: string; f1: number; family?: 'logistic' | 'gbdt' } | null;
  deployed: string | null;
  reason: string;
  /** Seconds per step. */
  timings: Record<string, number>;
  error?: string;
  /** The dataset this run's decision covered (recorded so the next run can tell what is left undecided). */
  datasetHash?: string | null;
  /** The report written after a completed run (config report.enabled), or why it was not. */
  report?: RunReport;
}
