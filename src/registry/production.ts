import type { Context } from '../context.js';
import type { ModelDocument } from '../contracts/model-document.js';
import type { DeploymentRecord } from '../store/types.js';
import { artifactsOf, productionOf, type ProductionSource } from './deployment.js';

// Where production lives depends on the store (files for sqlite, the store for postgres): see
// deployment.ts; deploy and rollback, which score an unscored version first, are model operations
// (model/deploy.ts).

/**
 * The production model, wherever this workspace keeps it (undefined when nothing is deployed):
 * the one way code reads it. A file read of prod_deployment_path/model.json would miss a
 * PostgreSQL store's production, which is its latest deployment row.
 */
export async function currentProduction(ctx: Pick<Context, 'config' | 'store' | 'log'>): Promise<ModelDocument | undefined> {
  return productionOf(ctx).current();
}

/**
 * The same production for a reader that follows it (the server's model holder): its `current()`
 * is currentProduction's answer, its `stamp()` changes whenever production may have changed.
 * Read-only: a version reaches production through deploy / rollback (model/deploy.ts) alone.
 */
export function productionSource(ctx: Pick<Context, 'config' | 'store' | 'log'>): ProductionSource {
  const pointer = productionOf(ctx);
  return { current: () => pointer.current(), stamp: () => pointer.stamp(), watchFolder: pointer.watchFolder, reference: (v) => artifactsOf(ctx).loadReference(v) };
}

export async function reconcileProduction(ctx: Context): Promise<void> {
  await productionOf(ctx).reconcile();
}

/** The versions in production over time, as a stack: deploy pushes, rollback pops. */
export function productionStack(history: DeploymentRecord[]): string[] {
  const stack: string[] = [];
  for (const d of history) {
    if (d.action === 'rollback') {
      stack.pop();
      if (stack[stack.length - 1] !== d.version) stack.push(d.version);
    } else if (stack[stack.length - 1] !== d.version) stack.push(d.version);
  }
  return stack;
}

/**
 * Why a version must not go to production, or null: one trained on fewer rows than
 * model.min_training_rows (a run on a nearly empty folder once deployed a 7-row model).
 */
export function deployRefusal(ctx: Pick<Context, 'config'>, version: string, trainingRows: number): string | null {
  const min = ctx.config.model.min_training_rows;
  return trainingRows < min ? `${version} was trained on ${trainingRows} rows, fewer than model.min_training_rows (${min}): not deployed` : null;
}

