// Namespace import, not `import { z }` (see src/util/zod-locale.ts).
import * as z from 'zod';
import type { CategoryDistribution, ClientExplanation, DependencyHealth, Diagnosis, Distributions, DriftLatest, Evaluation, FeatureDistribution, ImportanceView, ModelFamilyView, ModelList, PopulationInfo, PopulationView, PredictionResult, RiskList, RunList, ScoringView, SessionState } from '../contracts/api.js';

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

const reasonSchema = z.object({
  feature: z.string(),
  value: z.union([z.number(), z.string()]).nullable().describe('The client\'s value: a number, a category\'s text, null when missing.'),
  contribution: z.number().describe('Its contribution to the log-odds (positive: towards leaving).'),
  text: z.string().describe('In words for a client manager.'),
});
const clientExplanation = z.object({
  version: z.string(),
  id: z.string(),
  rank: z.int().positive().describe('Rank in the call list ordered by probability.'),
  probability: z.number(),
  base: z.number().describe('Expected log-odds: base + Σ contributions = logit(probability).'),
  contributions: z.record(z.string(), z.number()),
  reasons: z.array(reasonSchema).describe('The top config risk.reasons contributions towards leaving, largest first.'),
  keeping: reasonSchema.nullable().describe('The most negative contribution; null when none is negative.'),
  features: z
    .array(reasonSchema.extend({ label: z.string(), stayers: z.union([z.object({ mean: z.number().nullable() }), z.object({ share: z.number() })]).nullable().describe('Stayers\' mean, or the share of stayers with this category / missing; null: not recorded.') }))
    .describe('Every feature in model order against the training rows that stayed.'),
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

const share = z.number().min(0).max(1);
const metrics = z.object({
  rows: count,
  positives: count,
  f1: z.number(),
  precision: z.number(),
  recall: z.number(),
  accuracy: z.number(),
  rocAuc: z.number().nullable().describe('null when only one class is present.'),
  prAuc: z.number().nullable(),
  logLoss: z.number(),
  brier: z.number(),
  confusionMatrix: z.tuple([z.tuple([count, count]), z.tuple([count, count])]).describe('[[tn, fp], [fn, tp]].'),
  threshold: z.number(),
  topK: z.object({ k: count, precision: z.number(), recall: z.number() }),
});
const evaluation = z.object({
  data: z.object({ path: z.string(), hash: z.string(), rows: count, positives: count }).nullable().describe('The test data; null when there is none.'),
  production: z.string().nullable(),
  versions: z.array(z.object({ version: z.string(), createdAt: z.string(), metrics: metrics.nullable() })),
  curves: z.object({ version: z.string(), roc: z.array(z.object({ fpr: z.number(), tpr: z.number(), threshold: z.number().nullable() })), pr: z.array(z.object({ recall: z.number(), precision: z.number(), threshold: z.number().nullable() })) }).nullable().describe('The production model\'s ROC and precision-recall curves (at most 200 points each).'),
  calibration: z.object({ version: z.string(), ece: z.number() }).nullable().optional(),
  problem: z.string().optional(),
});

// GET /distributions. Each per-feature entry says its `kind`: a numeric feature ("count" or
// "number") has histograms, a category feature ("category") category shares. Another kind of
// feature adds an entry shape with its own `kind` (the union below), never changes these.
const psiLevel = z.enum(['stable', 'moderate', 'major']);
const driftLevel = z.enum(['none', 'possible', 'drift']);
const numericKind = z.enum(['count', 'number']);
const featureDrift = z.object({
  kind: numericKind,
  method: z.enum(['ks', 'wasserstein']),
  ks: z.object({ statistic: z.number(), pValue: z.number() }),
  wasserstein: z.number().describe('Wasserstein-1 distance divided by the reference std.'),
  psi: z.object({ value: z.number(), level: psiLevel }),
  psiLevel,
  level: driftLevel,
  drifted: z.boolean(),
  missingRateChange: z.number(),
  outOfRangeShare: z.number(),
  sketch: z.object({ ksStatistic: z.number(), wasserstein: z.number() }).nullable().describe('null: exact against every training value; else the quantile sketch\'s error bounds.'),
});
const featureDistribution = z.object({
  kind: numericKind,
  feature: z.string(),
  reference: histogram,
  current: histogram.nullable(),
  openEnded: z.boolean().describe('The last bin also counts everything above its upper edge.'),
  drift: featureDrift.nullable(),
  referenceMissingRate: share,
});
const categoryShares = z.array(z.object({ category: z.string(), share }));
const categoryDrift = z.object({
  kind: z.literal('category'),
  method: z.enum(['chi2', 'jensenshannon']),
  chi2: z.object({ statistic: z.number(), pValue: z.number(), dof: count }),
  jensenShannon: z.number(),
  psi: z.object({ value: z.number(), level: psiLevel }),
  unseenShare: share,
  unseen: categoryShares,
  missingRateChange: z.number(),
  level: driftLevel,
  drifted: z.boolean(),
});
const categoryDistribution = z.object({
  kind: z.literal('category'),
  feature: z.string(),
  categories: z.array(z.object({ category: z.string(), reference: share, current: share.nullable(), unseen: z.boolean() })),
  others: z.object({ categories: count, reference: share, current: share.nullable() }).nullable(),
  reference: z.object({ n: count, missingRate: share }),
  current: z.object({ n: count, missingRate: share }).nullable(),
  unseen: categoryShares,
  unseenShare: share.nullable(),
  drift: categoryDrift.nullable(),
});
/** Any feature's entry, told apart by `kind`. */
export const featureEntry = z.discriminatedUnion('kind', [featureDistribution, categoryDistribution]);
const distributions = z.object({
  version: z.string(),
  current: z.object({ source: z.string(), rows: count }).nullable().describe('The latest ingestion\'s rows; null before there are any.'),
  features: z.array(featureDistribution).describe('Numeric features (kind "count" or "number").'),
  categoryFeatures: z.array(categoryDistribution).describe('Category features (kind "category").'),
  prediction: featureDistribution.nullable().describe('The predicted risk (kind "number").'),
});

const driftFlags = z.object({ dataset: flag, prediction: flag, model: flag });
const dependencyPackages = z.array(z.object({ name: z.string(), current: z.string().nullable(), wanted: z.string().nullable(), latest: z.string().nullable(), advisories: count.nullable() }));
const dependencyHealth = z.object({
  status: z.enum(['ok', 'partial', 'unavailable']),
  packages: dependencyPackages,
  problems: z.array(z.string()),
});
const diagnosis = z.object({
  dataset: z.object({ hash: z.string(), rows: count }).nullable(),
  summary: z.record(
    z.string(),
    z.object({
      count: count,
      mean: z.number().nullable(),
      median: z.number().nullable(),
      std: z.number().nullable(),
      min: z.number().nullable(),
      max: z.number().nullable(),
      q25: z.number().nullable(),
      q75: z.number().nullable(),
      unique: count.optional(),
      top: z.string().nullable().optional(),
      freq: count.optional(),
    }),
  ),
  missing: z.record(z.string(), share),
  rejected: z.record(z.string(), count),
  timings: z.record(z.string(), z.object({ last: z.number(), p50: z.number(), p95: z.number(), runs: count, trend: z.enum(['slower', 'faster', 'stable']).nullable() })),
  dependencies: z.union([dependencyHealth, z.object({ status: z.literal('skipped'), packages: z.tuple([]), problems: z.array(z.string()) })]),
  model: z
    .object({
      version: z.string(),
      ageDays: z.number(),
      trainingRows: count,
      f1: z.number().nullable(),
      score: modelScore.nullable(),
      lastDrift: driftFlags.extend({ at: z.string() }).nullable(),
    })
    .nullable(),
});

const family = z.enum(['logistic', 'gbdt']);
const runList = z.object({
  runs: z.array(
    z.object({
      id: count,
      command: z.string(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      status: z.enum(['running', 'ok', 'failed']),
      outcome: z.string().nullable().describe('What a pipeline run ended as: noop, completed, failed, locked (null for other commands).'),
      timings: z.record(z.string(), z.number()),
      error: z.string().nullable(),
      detail: z
        .looseObject({
          reason: z.string().optional(),
          deployed: z.string().nullable().optional(),
          retrained: z.boolean().optional(),
          drift: driftFlags.optional(),
          featureDrift: z.record(z.string(), z.string()).optional(),
          datasetHash: z.string().nullable().optional(),
          ingested: z.looseObject({ rowsAdded: count }).optional(),
          challenger: z
            .object({ version: z.string(), f1: z.number(), family: family.optional(), candidates: z.array(z.object({ family, logLoss: z.number(), rocAuc: z.number().nullable() })).optional() })
            .nullable()
            .optional()
            .describe('With model.family "auto": the family that won and each candidate family\'s validation log loss and ROC AUC (null: not computable).'),
          champion: z.object({ version: z.string(), f1: z.number(), family: family.optional() }).nullable().optional(),
        })
        .describe('What the command recorded about itself; every field optional, others may appear.'),
      timingsUnit: z.enum(['ms', 's']),
      timingsSeconds: z.record(z.string(), z.number()),
    }),
  ),
});

const scoringView = z.object({
  version: z.string().nullable().describe('The production model; null while none is deployed.'),
  score: modelScore.nullable(),
  scores: z.array(
    z.object({
      version: z.string(),
      kind: z.enum(['test', 'batch', 'holdout', 'adhoc']),
      dataHash: z.string(),
      dataPath: z.string(),
      rows: count,
      f1: z.number(),
      metrics: z.record(z.string(), z.unknown()),
      createdAt: z.string(),
      measuredOn: z.string(),
    }),
  ),
});

const familyName = z.enum(['logistic', 'gbdt']);
const modelFamilyView = z.object({
  version: z.string(),
  family: familyName,
  chosenBy: z.enum(['auto', 'configured']).describe('"auto": model.family "auto" compared the families (selection); "configured": the config named the family.'),
  selection: z
    .object({
      validationShare: z.number().describe('Share of each class\'s training rows held out to compare the families.'),
      validationRows: count,
      winner: familyName.describe('The family with the lower validation log loss (a tie goes to logistic).'),
      candidates: z.array(z.object({ family: familyName, logLoss: z.number(), rocAuc: z.number().nullable().describe('null: not computable.'), ms: z.number().describe('Fitting time in ms.') })),
    })
    .nullable(),
  trees: z.object({ count, leaves: count.describe('Leaves in all trees.'), maxLeaves: count.describe('Leaves of the largest tree.'), maxLeavesSetting: count.describe('model.gbdt.max_leaves when trained.') }).nullable().describe('Trees only; null for logistic.'),
  importance: z.array(z.object({ feature: z.string(), gain: z.number().describe('Total loss reduction of its splits.'), splits: count })).nullable().describe('Trees only, largest gain first; null for logistic.'),
});

const sessionState = z.object({ readAccess: z.enum(['token', 'open']), signedIn: z.boolean(), via: z.enum(['session', 'bearer']).nullable(), expiresAt: z.string().nullable() });

// Each schema infers its contract type exactly (both ways); `true` fails to type-check otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inferred: [
  Same<z.infer<typeof populationInfo>, PopulationInfo>,
  Same<z.infer<typeof riskList>, RiskList>,
  Same<z.infer<typeof populationView>, PopulationView>,
  Same<z.infer<typeof importanceView>, ImportanceView>,
  Same<z.infer<typeof clientExplanation>, ClientExplanation>,
  Same<z.infer<typeof driftLatest>, DriftLatest>,
  Same<z.infer<typeof modelList>, ModelList>,
  Same<z.infer<typeof sessionState>, SessionState>,
  Same<z.infer<typeof predictionResult>, PredictionResult>,
  Same<z.infer<typeof evaluation>, Evaluation>,
  Same<z.infer<typeof featureDistribution>, FeatureDistribution>,
  Same<z.infer<typeof categoryDistribution>, CategoryDistribution>,
  Same<z.infer<typeof distributions>, Distributions>,
  Same<z.infer<typeof diagnosis>, Diagnosis>,
  Same<z.infer<typeof runList>, RunList>,
  Same<z.infer<typeof scoringView>, ScoringView>,
  Same<z.infer<typeof dependencyHealth>, DependencyHealth>,
  Same<z.infer<typeof modelFamilyView>, ModelFamilyView>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void inferred;

const schemas = {
  '/prediction': predictionResult,
  '/risk': riskList,
  '/population': populationView,
  '/importance': importanceView,
  '/family': modelFamilyView,
  '/explanation': clientExplanation,
  '/drift': driftLatest,
  '/models': modelList,
  '/session': sessionState,
  '/evaluation': evaluation,
  '/distributions': distributions,
  '/diagnostics': diagnosis,
  '/runs': runList,
  '/scoring': scoringView,
  '/dependencies': dependencyHealth,
} as const;

/** The JSON Schema of a route's 200 JSON answer. Input mode: answers may gain fields (contracts extend), so no additionalProperties: false. */
export function responseSchema(path: keyof typeof schemas): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schemas[path], {
    io: 'input',
    // An empty tuple (diagnostics' skipped dependencies: packages []) comes out as `prefixItems: []`,
    // which JSON Schema 2020-12 does not allow (at least one item): say "no items" instead.
    override: ({ jsonSchema }) => {
      if (Array.isArray(jsonSchema.prefixItems) && jsonSchema.prefixItems.length === 0) {
        delete jsonSchema.prefixItems;
        jsonSchema.maxItems = 0;
      }
    },
  }) as Record<string, unknown>;
  return json;
}
