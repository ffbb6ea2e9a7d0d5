// Namespace import, not `import { z }` (see src/util/zod-locale.ts).
import * as z from 'zod';

/**
 * The query parameters the routes validate, one schema each, shared by the route (safeParse) and
 * the OpenAPI document (z.toJSONSchema): a number a route accepts is a number in the document.
 */
export const runsQuery = z.object({ limit: z.coerce.number().int('limit: expected a whole number').positive('limit: expected a positive number').max(10_000, 'limit: at most 10000').optional().describe('How many (default 100).') });
export const riskQuery = z.object({
  top: z.coerce.number().int('top: expected a whole number').positive('top: expected a positive number').max(1_000_000, 'top: at most 1000000').optional().describe('How many (default: config top_k).'),
  rank: z
    .enum(['probability', 'expected_loss'], 'rank: expected "probability" or "expected_loss"')
    .optional()
    .describe('Order by "probability" or "expected_loss" (probability × value_column; needs value_column). Default: config risk.rank_by.'),
  explain: explainParam(),
});

/** GET /explanation's query: ?id= (a current client of the call list). */
export const explanationQuery = z.object({ id: z.string('id: expected a client id').min(1, 'id: expected a client id').describe('The client\'s id (config id column).') });

/** POST /prediction's query: ?explain=N. */
export const predictionQuery = z.object({ explain: explainParam() });

/**
 * ?explain=N: each client gains its contributions, its top N reasons and what keeps it (0: the
 * contributions alone); the most is the model's feature count, checked by the route (explainCount).
 * A bare ?explain (or explain= with nothing, or only blanks) is the flag "yes": `true`, the
 * default N (config risk.reasons) — it used to be coerced to 0, contributions without reasons.
 */
export function explainParam() {
  const count = z.coerce
    .number('explain: expected a whole number of reasons')
    .int('explain: expected a whole number of reasons')
    .nonnegative('explain: expected 0 or more reasons');
  const bare = z.string().regex(/^\s*$/).transform(() => true as const);
  // When neither matches, the union's own "Invalid input" would hide which rule failed: the count's message.
  const countMessage = (iss: { code?: string; errors?: unknown }) => (iss.code === 'invalid_union' ? (iss.errors as Array<Array<{ message: string }>>)[1]?.[0]?.message : undefined);
  return z
    .union([bare, count], { error: countMessage })
    .optional()
    .describe(
      'Explain each client: its contributions (log-odds), its top N reasons towards leaving (0 ≤ N ≤ the model\'s feature count) and the strongest factor keeping it; the answer gains base. A bare `explain` (no value) means yes: N = config risk.reasons (at most the feature count).',
    );
}

/** OpenAPI parameter objects for a query schema: each property's JSON Schema, required unless optional. */
export function queryParameters(schema: z.ZodObject): Array<Record<string, unknown>> {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: 'query', required: json.required?.includes(name) ?? false, ...(description ? { description } : {}), schema: rest };
  });
}
