/**
 * A model's score, one definition for every view. Every score is recorded through recordModelScore
 * with its kind (see ScoreKind): the model's history is its test, batch and holdout scores; an
 * ad-hoc score (`score --data FILE`, `drift`) is recorded and shown but never joins it. The
 * model's score — what `models`, `GET /scoring`, `diagnose`, the dashboard, the PDF and
 * production's latestscore.txt all show — is its latest history score, with what it was measured on.
 */
import type { ModelScore } from '../contracts/api.js';
import { basename, join } from 'node:path';
import type { Context } from '../context.js';
import { currentProduction } from './production.js';
import type { ScoreKind, ScoreRecord, Store } from '../store/types.js';
import { writeFileAtomicSync } from '../util/atomic.js';

export type HistoryKind = Exclude<ScoreKind, 'adhoc'>;

/** The score every view shows for a model version (its shape: src/contracts/api.ts). */
export type { ModelScore };

export function isHistory(s: Pick<ScoreRecord, 'kind'>): boolean {
  return s.kind !== 'adhoc';
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What a score was measured on, in words: never an absolute path (the API shows it). */
export function describeMeasure(kind: ScoreKind, rows: number, source?: string): string {
  switch (kind) {
    case 'test':
      return `test data (${count(rows, 'row', 'rows')})`;
    case 'batch':
      return `${source ? `${source}: ` : ''}${count(rows, 'new labelled row', 'new labelled rows')}`;
    case 'holdout':
      // Held out of the challenger's training (docs/model.md: "The model's score").
      return `holdout: ${count(rows, 'newest row', 'newest rows')}${source ? ` of ${source}` : ''}`;
    case 'adhoc':
      return `${source ? `${source.startsWith('new files:') ? source : basename(source)} ` : ''}(${count(rows, 'row', 'rows')}, ad hoc: not part of the model's history)`;
  }
}

/** A recorded score's description, also for records made before measured_on existed. */
export function measuredOn(s: ScoreRecord): string {
  return s.measuredOn ?? describeMeasure(s.kind, s.rows, s.kind === 'adhoc' ? s.dataPath : undefined);
}

function toModelScore(s: ScoreRecord): ModelScore {
  return { f1: s.f1, kind: s.kind as HistoryKind, measuredOn: measuredOn(s), rows: s.rows, at: s.createdAt };
}

/** Per version, its score (the latest history score), from records in recording order. */
export function latestModelScores(records: ScoreRecord[]): Map<string, ModelScore> {
  const out = new Map<string, ModelScore>();
  for (const s of records) if (isHistory(s)) out.set(s.version, toModelScore(s));
  return out;
}

/** A version's score, or null when it was never scored on anything that counts. */
export async function modelScore(store: Pick<Store, 'scores'>, version: string): Promise<ModelScore | null> {
  return latestModelScores(await store.scores(version)).get(version) ?? null;
}

/**
 * The F1 values the drift floors are computed from: the version's history scores, oldest first,
 * one per measured dataset (scoring the same model on the same test data twice is not a second
 * piece of evidence). `excludeDataHash` leaves out the batch being judged, and its holdout.
 */
export function historyF1(records: ScoreRecord[], excludeDataHash?: string): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  for (const s of records) {
    if (!isHistory(s)) continue;
    if (excludeDataHash !== undefined && (s.dataHash === excludeDataHash || s.dataHash === `holdout:${excludeDataHash}`)) continue;
    const key = `${s.kind}:${s.dataHash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s.f1);
  }
  return out;
}

export type NewScore = Omit<ScoreRecord, 'measuredOn'> & { measuredOn?: string | null };

/**
 * Record a score. A history score of the version in production changes the production model's
 * score, so production's latestscore.txt (the original project's one-number file, where
 * production is a folder) follows it; an ad-hoc score never touches it.
 */
export async function recordModelScore(ctx: Pick<Context, 'config' | 'store' | 'log'>, s: NewScore): Promise<ModelScore | null> {
  const rec: ScoreRecord = { ...s, measuredOn: s.measuredOn ?? describeMeasure(s.kind, s.rows, s.kind === 'adhoc' ? s.dataPath : undefined) };
  await ctx.store.recordScore(rec);
  if (!isHistory(rec)) return null;
  if (!ctx.store.shared && (await currentProduction(ctx))?.version === rec.version) writeProductionScore(ctx, toModelScore(rec));
  return toModelScore(rec);
}

/** prod_deployment_path/latestscore.txt: the production model's score (folder-based production only). */
export function writeProductionScore(ctx: Pick<Context, 'config'>, score: ModelScore): void {
  writeFileAtomicSync(join(ctx.config.productionFolder, 'latestscore.txt'), `${score.f1}\n`);
}

/** The production model's version and score (null score: deployed but never scored). */
export async function productionScore(ctx: Pick<Context, 'config' | 'store' | 'log'>): Promise<{ version: string; score: ModelScore | null } | null> {
  const doc = await currentProduction(ctx);
  if (!doc) return null;
  return { version: doc.version, score: await modelScore(ctx.store, doc.version) };
}
