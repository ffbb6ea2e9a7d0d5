// Namespace import, not `import { z }` (see src/util/zod-locale.ts).
import * as z from 'zod';
import type { DriftLatest, ImportanceView, ModelList, PopulationInfo, PopulationView, PredictionResult, RiskList, SessionState } from '../contracts/api.js';

/**
 * JSON Schemas of route answers for the OpenAPI document, written as zod schemas that must infer
 * exactly the contract types of src/contracts/api.ts (checked below at compile time): a field
 * added to a contract without its schema, or the reverse, fails the build. The contracts stay
 * types only (the dashboard compiles against them); these live beside the server.
 */
const count = z.int().nonnegative();

const populationInfo = z
  .object({
    source: z.enum(['dataset', 'configured']).describe('"dataset": the ingested dataset\'s current clients; "configured": config population.'),
    description: z.string().describe('One sentence naming the population and the rule applied.'),
    clients: count.describe('Clients ranked.'),
    rows: count.describe('Rows read (a client may have several).'),
    left: count.describe('Clients left out because their latest row says they left.'),
  })
  .describe('The population ranked: each client once (its latest row); a client whose latest row says it left is not in it.');

const rank = z.enum(['probability', 'expected_loss']);

const reason = z
  .object({
    feature: z.string(),
    value: z.union([z.number(), z.string()]).nullable().describe('The client\'s value: a number, a category\'s text, null when missing.'),
    contribution: z.number().describe('Its contribution to the log-odds (positive: towards leaving).'),
    text: z.string().describe('In words, e.g. "Transactions last year: 28 — clients who stay average 65".'),
  })
  .describe('One feature\'s part in the client\'s risk.');
/** What ?explain=N adds to each client (ClientReasons in the contracts). */
export const explained = {
  contributions: z.record(z.string(), z.number()).optional().describe('With explain: every feature\'s contribution to the log-odds; base + Σ = logit(probability).'),
  reasons: z.array(reason).optional().describe('With explain=N: the up to N largest positive contributions, largest first.'),
  keeping: reason.nullable().optional().describe('With explain: the most negative contribution (the strongest factor keeping the client); null when none is negative.'),
};
export const explainedBase = z.number().optional().describe('With explain: the expected log-odds over the training rows, where every client starts.');
const riskList = z.object({
  version: z.string(),
  datasetHash: z.string().describe('sha256 of the data ranked (the dataset, or the configured population).'),
  population: populationInfo,
  valueColumn: z.string().nullable().describe('config value_column; null when none is set.'),
  rows: z.array(
    z.object({
      rank: z.int().positive(),
      id: z.string(),
      probability: z.number(),
      value: z.number().nullable().describe('The client\'s value_column; null when its cell is empty or no value_column is set.'),
      expectedLoss: z.number().nullable().describe('probability × value; null when value is.'),
      ...explained,
    }),
  ),
  summary: z
    .object({
      rank: rank.describe('What the list is ordered by.'),
      clients: count.describe('Clients listed (the top K).'),
      expectedLeavers: z.number().describe('Σ probability over them: how many are expected to leave.'),
      expectedLoss: z.number().nullable().describe('Σ probability × value over them, the revenue at risk they cover (no value: adds 0); null without value_column.'),
      withoutValue: count.nullable().describe('Of them, clients without a value; null without value_column.'),
      population: z.object({ clients: count, expectedLeavers: z.number(), expectedLoss: z.number().nullable() }).describe('The same sums over every client ranked.'),
    })
    .describe('What the listed top covers.'),
  base: explainedBase,
});

const predictionResult = z.object({
  version: z.string().describe('The model version that scored every record.'),
  predictions: z.array(
    z.object({
      id: z.string(),
      probability: z.number(),
      prediction: z.union([z.literal(0), z.literal(1)]).describe('1 when probability is above the model\'s threshold.'),
      ...explained,
    }),
  ),
  base: explainedBase,
});

const histogram = z.object({ edges: z.array(z.number()), shares: z.array(z.number()), n: count });

const populationView = z.object({
  version: z.string(),
  datasetHash: z.string(),
  population: populationInfo,
  rows: count.describe('Clients ranked (= population.clients).'),
  threshold: z.number(),
  topK: count,
  aboveThreshold: count,
  histogram: histogram.extend({ counts: z.array(count) }),
});

const importanceView = z.object({
  version: z.string(),
  datasetHash: z.string(),
  clients: count.describe('Clients averaged over (the call list\'s population).'),
  base: z.number().describe('The model\'s expected log-odds: where every client starts.'),
  features: z.array(z.object({ feature: z.string(), meanAbs: z.number().describe('Mean |contribution| (log-odds) over the clients.') })).describe('Highest first.'),
  gain: z.record(z.string(), z.number()).nullable().describe('gbdt: the model document\'s gbdt.importance.gain (total loss reduction of its splits per feature, training rows); null for logistic. A different measure from meanAbs.'),
});

const flag = z.boolean().nullable();
const driftLatest = z.object({
  latest: z
    .object({ runId: count, at: z.string(), drift: z.object({ dataset: flag, prediction: flag, model: flag }), reason: z.string().nullable(), deployed: z.string().nullable() })
    .nullable()
    .describe('null before any completed run checked drift.'),
});

const modelScore = z.object({ f1: z.number(), kind: z.enum(['test', 'batch', 'holdout']), measuredOn: z.string(), rows: count, at: z.string() });
const modelList = z.object({
  models: z.array(z.object({ version: z.string(), createdAt: z.string(), trainingRows: count, datasetHash: z.string(), f1: z.number().optional(), score: modelScore.optional(), deployed: z.boolean() })),
  production: z.string().nullable(),
});

const sessionState = z.object({ readAccess: z.enum(['token', 'open']), signedIn: z.boolean(), via: z.enum(['session', 'bearer']).nullable(), expiresAt: z.string().nullable() });

// Each schema infers its contract type exactly (both ways); `true` fails to type-check otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inferred: [
  Same<z.infer<typeof populationInfo>, PopulationInfo>,
  Same<z.infer<typeof riskList>, RiskList>,
  Same<z.infer<typeof populationView>, PopulationView>,
  Same<z.infer<typeof importanceView>, ImportanceView>,
  Same<z.infer<typeof driftLatest>, DriftLatest>,
  Same<z.infer<typeof modelList>, ModelList>,
  Same<z.infer<typeof sessionState>, SessionState>,
  Same<z.infer<typeof predictionResult>, PredictionResult>,
] = [true, true, true, true, true, true, true, true];
void inferred;

const schemas = { '/prediction': predictionResult, '/risk': riskList, '/population': populationView, '/importance': importanceView, '/drift': driftLatest, '/models': modelList, '/session': sessionState } as const;

/** The JSON Schema of a route's 200 JSON answer. Input mode: answers may gain fields (contracts extend), so no additionalProperties: false. */
export function responseSchema(path: keyof typeof schemas): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schemas[path], { io: 'input' }) as Record<string, unknown>;
  return json;
}
