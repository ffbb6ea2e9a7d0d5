// zod/mini, imported as a namespace that never escapes: this module is on every command's load
// path (the runs command, the pipeline), where classic zod would add ~400 KB (src/util/zod-locale.ts).
import * as z from 'zod/mini';
import type { CommandDetail } from '../contracts/api.js';
import type { CommandRecord } from './types.js';

/**
 * A command record's `detail` as read back from the store. It is JSON written by whichever release recorded
 * it (older ones wrote fewer fields) and the store's column can be edited by hand, so it is
 * parsed, not trusted: a field of the wrong shape reads as absent (each `z.catch`), anything that
 * is not an object reads as `{}`, and fields this release does not know are kept as they are.
 */
const absentIfBad = <T extends z.core.SomeType>(schema: T) => z.catch(z.optional(schema), undefined);
const flag = z.catch(z.nullable(z.boolean()), null);
const family = z.enum(['logistic', 'gbdt']);
// A ROC AUC that could not be computed was NaN, which JSON writes as null.
const candidates = absentIfBad(z.array(z.object({ family, logLoss: z.number(), rocAuc: z.nullable(z.number()) })));
const modelF1 = absentIfBad(z.nullable(z.object({ version: z.string(), f1: z.number(), family: absentIfBad(family) })));
const challenger = absentIfBad(z.nullable(z.object({ version: z.string(), f1: z.number(), family: absentIfBad(family), candidates })));

export const commandDetailSchema = z.looseObject({
  reason: absentIfBad(z.string()),
  deployed: absentIfBad(z.nullable(z.string())),
  retrained: absentIfBad(z.boolean()),
  drift: absentIfBad(z.looseObject({ dataset: flag, prediction: flag, model: flag })),
  featureDrift: absentIfBad(z.record(z.string(), z.string())),
  datasetHash: absentIfBad(z.nullable(z.string())),
  ingested: absentIfBad(z.looseObject({ rowsAdded: z.number() })),
  challenger,
  champion: modelF1,
});

// The schema and the contract type stay one shape: this fails to compile when they part.
const sameShape: (d: z.infer<typeof commandDetailSchema>) => CommandDetail = (d) => d;
void sameShape;

/** The detail of a command record, parsed (see commandDetailSchema); never throws. */
export function commandDetail(record: Pick<CommandRecord, 'detail'> | undefined): CommandDetail {
  const parsed = commandDetailSchema.safeParse(record?.detail);
  return parsed.success ? parsed.data : {};
}
