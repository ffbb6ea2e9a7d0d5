import { ranking, DATASET_CSV, callListSummary, clientIndex, explainList, listContributions, csvField, diagnose, evaluateVersions, familySummary, featureDistributions, globalImportance, highestRisk, listReasons, riskHistogram } from '../../index.js';
import type { DependencyHealth, Diagnosis, Distributions, Evaluation } from '../../contracts/api.js';
import type { FastifyPluginAsync } from 'fastify';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientExplanation, ImportanceView, PopulationView, RiskList, RiskRow } from '../../contracts/api.js';
import { HttpError, badQuery, neutraliseFormula, wantsCsv } from '../http-errors.js';
import { KeyedCache, dependencyCache } from '../insights.js';
import type { LoadedModel } from '../model-holder.js';
import { PopulationCache, type RankedPopulation } from '../population.js';
import { ResponseBodies } from '../response-bodies.js';
import { RequestsUnderWay } from '../requests-under-way.js';
import { explanationQuery, riskQuery } from '../query-schemas.js';
import { explainCount, reasonWriter } from '../reasons.js';
import { ExplainedRows } from '../explained-rows.js';
import { requireModel, type PluginOptions } from './shared.js';

/**
 * What the dashboard reads, each aggregated server-side and cached per what it depends on:
 * diagnostics and summary statistics, the call list (/risk) and the population it ranks, every
 * version's evaluation, the distributions, dependency health. The caches are filled once the
 * server is up (state.warmers), so the first visitor does not wait for them.
 */
const dashboardData: FastifyPluginAsync<PluginOptions> = async (app, { state }) => {
  const { ctx, holder } = state;
  const { config, store } = ctx;

  // This plugin's requests under way: the warm-up's summaries (below) wait for them.
  const underWay = new RequestsUnderWay();
  app.addHook('onRequest', (_req, reply, next) => {
    underWay.begin(reply.raw);
    next();
  });

  // diagnose re-reads the dataset: computed once per (dataset file, latest run, production model).
  const diagnoses = new KeyedCache<Awaited<ReturnType<typeof diagnose>>>();
  const diagnosis = async () => {
    let fp = 'none';
    try {
      const st = await stat(join(config.outputFolder, DATASET_CSV), { bigint: true });
      fp = `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch {
      // nothing ingested yet
    }
    const last = (await store.commandRecords(1))[0];
    const files = await store.latestFileRecords();
    const lastIngestion = Math.max(0, ...files.map((f) => f.ingestionId ?? 0));
    const model = holder.current;
    const key = `${fp}|${files.length}:${lastIngestion}|${last?.id ?? '-'}:${last?.status ?? ''}|${model?.version ?? '-'}:${model?.doc.createdAt ?? ''}|${(await store.scores()).length}`;
    const d = await diagnoses.get(key, () => diagnose(ctx, { dependencies: false }));
    // The model's age is the one figure that changes with the clock alone.
    // The answer is the contract's type (GET /diagnostics; its OpenAPI schema is from response-schemas.ts).
    const body: Diagnosis = d.model && model && d.model.version === model.version ? { ...d, model: { ...d.model, ageDays: (Date.now() - Date.parse(model.doc.createdAt)) / 86_400_000 } } : d;
    return body;
  };
  app.get('/diagnostics', diagnosis);

  app.get('/summarystats', async () => {
    const d = await diagnosis();
    return { dataset: d.dataset, summary: d.summary, missing: d.missing };
  });

  // Every ranked client's contributions (issue 17): computed once per ranked list off the event
  // loop (explainList: TreeSHAP on worker threads), started as soon as a list is ranked — at
  // start-up, after a hot reload, or when a request finds the population changed; the population
  // cache starts them before it ranks the list (server/population.ts) — so a request asking for
  // reasons finds them made, or waits on the computation under way; never twice.
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const settled = work.catch(() => {});
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  };
  const contributionsComputed = () => state.metrics.observeCallListWork('contributions');
  // /risk?explain's rows, each client's written as its part of the list is explained (explained-rows.ts).
  const explainedRows = new ExplainedRows(config);
  const population = new PopulationCache(config, () => state.metrics.observeCallListWork('ranking'), contributionsComputed, (model) => explainedRows.hook(model));
  const rankedPopulation = async (model: LoadedModel) => {
    const p = await population.get(model);
    if (!p) throw new HttpError(404, 'no dataset yet; run `riskwatch ingest`');
    if (p.explaining) track(p.explaining);
    return p;
  };
  const explained = (p: RankedPopulation, model: LoadedModel) => {
    const started = p.contributions === undefined && p.explaining === undefined;
    const c = explainList(p, model.fitted, contributionsComputed, started ? explainedRows.hook(model) : undefined);
    if (started) track(c);
    return c;
  };
  /** Start explaining the list in the background (a model that cannot explain answers so when asked). */
  const explainAhead = (p: RankedPopulation, model: LoadedModel) =>
    explained(p, model).catch((err: unknown) => app.log.debug({ err: (err as Error).message }, 'call list not explained ahead'));
  const rankAndExplain = async (model: LoadedModel) => {
    model.fitted.prepareContributions(); // the explainer's threads start while the population is read
    const p = await population.get(model);
    if (!p) return;
    if (p.explaining) track(p.explaining);
    await explainAhead(p, model);
  };
  holder.onSwap((model) => track(rankAndExplain(model))); // the request that needs the list says what is wrong
  app.addHook('onClose', async () => {
    await Promise.allSettled([...inFlight]);
  });
  // Whole /risk answers (JSON) kept with their list: a repeated request is sent as it was written.
  const riskBodies = new ResponseBodies<RankedPopulation>();

  // The call list (src/population/risk-list.ts): the current clients, one row each, ranked once
  // per (production version, population hash) by PopulationCache, not per request.
  // Each order (rank=) is made once per ranked list and kept with it (src/population/risk-list.ts ranking()).
  app.get('/risk', async (req, reply) => {
    const q = riskQuery.safeParse(req.query);
    if (!q.success) throw badQuery(q.error.issues);
    const top = q.data.top ?? config.topK;
    const rank = q.data.rank ?? config.risk.rank_by;
    if (rank === 'expected_loss' && config.valueColumn === undefined) throw new HttpError(400, 'rank: "expected_loss" needs value_column in the config (the number column a client is worth); use rank=probability');
    const model = requireModel(holder);
    const explain = explainCount(q.data.explain, model, config.risk.reasons);
    const p = await rankedPopulation(model);
    const csv = wantsCsv(req);
    const bodyKey = `${rank}|${top}|${explain ?? '-'}`;
    const body = csv ? undefined : riskBodies.get(p, bodyKey);
    if (body !== undefined) return reply.type('application/json; charset=utf-8').send(body);
    // The list's contributions: made once per ranked list, off the event loop (explained above).
    if (explain === undefined) void explainAhead(p, model);
    else await explained(p, model);
    if (!csv && explain !== undefined) {
      // The rows as JSON text, written per client while the list was explained (explained-rows.ts);
      // the rest as JSON.stringify writes the RiskList below, key for key.
      const c = listContributions(p, model.fitted);
      const head = JSON.stringify({ version: model.version, datasetHash: p.datasetHash, population: p.population, valueColumn: config.valueColumn ?? null });
      const text = `${head.slice(0, -1)},"rows":${explainedRows.rowsJson(p, model, c, rank, top, explain)},"summary":${JSON.stringify(callListSummary(p, rank, Math.min(Math.max(0, top), p.rows)))},"base":${JSON.stringify(c.base)}}`;
      return reply.type('application/json; charset=utf-8').send(riskBodies.set(p, bodyKey, text));
    }
    const rows: RiskRow[] = highestRisk(p, top, rank);
    const n = rows.length;
    const why = explain === undefined ? undefined : listReasons(p, model.fitted, reasonWriter(model, config), rank, top, explain);
    if (why) why.rows.forEach((r, k) => Object.assign(rows[k], r));
    if (csv) {
      const num = (v: number | null) => (v === null ? '' : String(v));
      const reasonHeads = Array.from({ length: explain ?? 0 }, (_, k) => `,reason_${k + 1}`).join('');
      const reasonCells = (r: RiskRow) => Array.from({ length: explain ?? 0 }, (_, k) => `,${csvField(neutraliseFormula(r.reasons?.[k]?.text ?? ''))}`).join('');
      // The value columns only with a value_column: without one the CSV keeps its original columns (a contract).
      const valued = config.valueColumn !== undefined;
      const lines = [
        `rank,${csvField(config.id)},probability${valued ? ',value,expected_loss' : ''}${reasonHeads}`,
        ...rows.map((r) => `${r.rank},${csvField(neutraliseFormula(r.id))},${r.probability}${valued ? `,${num(r.value)},${num(r.expectedLoss)}` : ''}${reasonCells(r)}`),
      ];
      return reply
        .type('text/csv; charset=utf-8')
        .header('x-model-version', model.version)
        .header('x-population-source', p.population.source)
        .header('x-population-clients', String(p.population.clients))
        .header('x-rank', rank)
        .header('content-disposition', `attachment; filename="risk-top${n}-${model.version}${rank === 'probability' ? '' : '-by-expected-loss'}.csv"`)
        .send(lines.join('\n') + '\n');
    }
    const list: RiskList = { version: model.version, datasetHash: p.datasetHash, population: p.population, valueColumn: config.valueColumn ?? null, rows, summary: callListSummary(p, rank, n), ...(why && { base: why.base }) };
    // What Fastify would send for the object (JSON.stringify, no response schema), kept for the next time.
    return reply.type('application/json; charset=utf-8').send(riskBodies.set(p, bodyKey, JSON.stringify(list)));
  });

  app.get('/population', async () => {
    const model = requireModel(holder);
    const p = await rankedPopulation(model);
    const h = riskHistogram(p, model.threshold);
    const view: PopulationView = { version: model.version, datasetHash: p.datasetHash, population: p.population, rows: p.rows, threshold: model.threshold, topK: config.topK, aboveThreshold: h.aboveThreshold, histogram: { ...h.histogram, counts: h.counts } };
    return view;
  });

  // Mean |contribution| per feature over the ranked clients: made once per ranked list and kept
  // with it (src/population/importance.ts), like the list's contributions.
  app.get('/importance', async () => {
    const model = requireModel(holder);
    const p = await rankedPopulation(model);
    await explained(p, model);
    const view: ImportanceView = globalImportance(p, model.fitted);
    return view;
  });

  // Which family is in production and why (issue 16): from the production document, no cache needed.
  app.get('/family', async () => familySummary(requireModel(holder).doc));

  // One client of the list, explained (the dashboard's client panel): the list's own contributions
  // (computed once per ranked list), the texts and the comparison with stayers for this client only.
  app.get('/explanation', async (req) => {
    const q = explanationQuery.safeParse(req.query);
    if (!q.success) throw badQuery(q.error.issues);
    const model = requireModel(holder);
    const p = await rankedPopulation(model);
    const i = clientIndex(p, q.data.id);
    if (i < 0) throw new HttpError(404, `id: ${q.data.id} is not a current client of the call list`);
    await explained(p, model);
    const c = listContributions(p, model.fitted);
    const writer = reasonWriter(model, config);
    const { order } = ranking(p, 'probability');
    const why = writer.explain(c, p, i, Math.min(config.risk.reasons, model.fitted.features.length));
    const view: ClientExplanation = { version: model.version, id: q.data.id, rank: order.indexOf(i) + 1, probability: p.prob[i], base: c.base, ...why, features: writer.compare(c, p, i) };
    return view;
  });

  const evaluations = new KeyedCache<Evaluation>(60_000);
  const evaluation = async () => {
    const versions = (await store.listModels()).map((m) => ({ version: m.version, createdAt: m.createdAt }));
    const prod = holder.current;
    return evaluations.get(`${prod?.version ?? '-'}|${versions.map((v) => v.version).join(',')}`, () => evaluateVersions(ctx, versions, prod?.doc));
  };
  app.get('/evaluation', evaluation);

  const dists = new KeyedCache<Distributions | null>(60_000);
  const distributionsOf = async (model: LoadedModel) => {
    const files = (await store.latestFileRecords()).map((f) => `${f.name}:${f.sha256}`).join(',');
    return dists.get(`${model.version}|${files}`, () => featureDistributions(ctx, model.doc));
  };
  app.get('/distributions', async () => {
    const model = requireModel(holder);
    const d = await distributionsOf(model);
    if (!d) throw new HttpError(404, `model ${model.version} has no drift reference; train a new version`);
    return d;
  });

  const deps = dependencyCache(state.dependencyTimeoutMs);
  app.get('/dependencies', async () => {
    const body: DependencyHealth = await deps();
    return body;
  });

  state.warmers.push(async () => {
    const model = holder.current;
    if (!model) return;
    // The list and its contributions first: their threads take both cores, and the summaries
    // below (scoring every version's test set, reading the dataset) would take one back from
    // them — a first GET /risk?explain waits on the contributions, a first dashboard visit on
    // the summaries it asks for, computed then.
    await rankAndExplain(model);
    // Each summary after any answer under way: a first GET /risk?explain, waiting on the
    // contributions, is written and sent without them taking turns on the event loop.
    await underWay.none();
    await diagnosis();
    await underWay.none();
    await evaluation();
    await underWay.none();
    await distributionsOf(model);
  });
};

export default dashboardData;
