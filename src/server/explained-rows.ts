import { ranking, type Config, type Contributions, type ListPartHook, type RankBy, type RankedRiskList, type ReasonWriter } from '../index.js';
import type { LoadedModel } from './model-holder.js';
import { explainCount, reasonWriter } from './reasons.js';

/**
 * GET /risk?explain=N's rows as JSON text, the costly part of its answer written per client ahead:
 * each client's row but its rank (highestRisk's fields, then ReasonWriter.explain's: contributions,
 * top N reasons, keeping) written once per ranked list — for the default N (config
 * risk.reasons) as each part of the clients comes back from the model's threads (hook), while the
 * threads explain the rest; the first request then only puts the ranks in front and strings the
 * rows together in its order. Byte for byte the JSON.stringify of the rows the route built before.
 *
 * Kept with the list (a WeakMap: gone with it), for the default N only — another N is written for
 * the listed clients per request and not kept (at most the feature count of variants otherwise).
 */
export class ExplainedRows {
  private readonly lists = new WeakMap<RankedRiskList, Written>();

  constructor(private readonly config: Config) {}

  /** The default N for `model` (a bare ?explain: config risk.reasons, cut to its features). */
  private defaultCount(model: LoadedModel): number {
    return explainCount(true, model, this.config.risk.reasons)!;
  }

  /** What the population cache and explainList call with each part of a list `model` explains. */
  hook(model: LoadedModel): ListPartHook {
    const writer = reasonWriter(model, this.config);
    const n = this.defaultCount(model);
    return (list, part) => {
      try {
        const w = this.written(list, writer, n);
        const c: Contributions = { base: part.base, values: [...part.values] };
        for (let i = part.from; i < part.to; i++) w.tails[i] = tail(writer, c, list, i, n);
      } catch {
        // Nothing kept for this part: the request writes those clients itself.
      }
    };
  }

  /**
   * The JSON array of the first `top` clients ranked `by`, each with `n` reasons: what
   * JSON.stringify gives for highestRisk's rows with listReasons' fields assigned. `c`: the list's
   * contributions (all of them computed).
   */
  rowsJson(list: RankedRiskList, model: LoadedModel, c: Contributions, by: RankBy, top: number, n: number): string {
    const writer = reasonWriter(model, this.config);
    const kept = n === this.defaultCount(model) ? this.written(list, writer, n) : undefined;
    const { order } = ranking(list, by);
    const k = Math.min(Math.max(0, top), list.rows);
    const out = new Array<string>(k);
    for (let r = 0; r < k; r++) {
      const i = order[r];
      let t = kept?.tails[i];
      if (t === undefined) {
        t = tail(writer, c, list, i, n);
        if (kept) kept.tails[i] = t;
      }
      out[r] = `{"rank":${r + 1}${t}`;
    }
    return `[${out.join(',')}]`;
  }

  /** The list's kept texts for this writer and N (made afresh when kept for another). */
  private written(list: RankedRiskList, writer: ReasonWriter, n: number): Written {
    const w = this.lists.get(list);
    if (w && w.writer === writer && w.n === n) return w;
    const fresh: Written = { writer, n, tails: new Array<string | undefined>(list.rows) };
    this.lists.set(list, fresh);
    return fresh;
  }
}

interface Written {
  writer: ReasonWriter;
  n: number;
  /** Per client (index in the list): its row's JSON after the rank, `,"id":…}`. */
  tails: (string | undefined)[];
}

/**
 * Client i's row after its rank: highestRisk's other fields ({ rank, id, probability, value,
 * expectedLoss }), then the reasons' (ReasonWriter.explain's object as JSON, without its opening brace).
 */
function tail(writer: ReasonWriter, c: Contributions, list: RankedRiskList, i: number, n: number): string {
  const p = list.prob[i];
  const v = list.value ? list.value[i] : Number.NaN;
  // JSON.stringify of the reasons' objects: a writer of the text itself measured slower (~60 against ~50 ms for 10,000 clients).
  const why = JSON.stringify(writer.explain(c, list, i, n));
  return `,"id":${JSON.stringify(list.ids.get(i))},"probability":${num(p)},"value":${v === v ? num(v) : 'null'},"expectedLoss":${v === v ? num(p * v) : 'null'},${why.slice(1)}`;
}

/** A number as JSON.stringify writes it (null when not finite). */
function num(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}
