import { z } from 'zod';
import type { RunDetail } from '../contracts/api.js';
import type { RunRecord } from './types.js';

/**
 * A run's `detail` as read back from the store. It is JSON written by whichever release recorded
 * the run (older ones wrote fewer fields) and the store's column can be edited by hand, so it is
 * parsed, not trusted: a field of the wrong shape reads as absent (each `.catch`), anything that is
 * not an object reads as `{}`, and fields this release does not know are kept as they are.
 */
const flag = z.boolean().nullable().catch(null);
const modelF1 = z.object({ version: z.string(), f1: z.number() }).nullable().optional().catch(undefined);

export const runDetailSchema = z.looseObject({
  reason: z.string().optional().catch(undefined),
  deployed: z.string().nullable().optional().catch(undefined),
  retrained: z.boolean().optional().catch(undefined),
  drift: z.looseObject({ dataset: flag, prediction: flag, model: flag }).optional().catch(undefined),
  featureDrift: z.record(z.string(), z.string()).optional().catch(undefined),
  datasetHash: z.string().nullable().optional().catch(undefined),
  ingested: z.looseObject({ rowsAdded: z.number() }).optional().catch(undefined),
  challenger: modelF1,
  champion: modelF1,
});

// The schema and the contract type stay one shape: this fails to compile when they part.
const sameShape: (d: z.infer<typeof runDetailSchema>) => RunDetail = (d) => d;
void sameShape;

/** The detail of a recorded run, parsed (see runDetailSchema); never throws. */
export function runDetail(run: Pick<RunRecord, 'detail'> | undefined): RunDetail {
  const parsed = runDetailSchema.safeParse(run?.detail);
  return parsed.success ? parsed.data : {};
}
