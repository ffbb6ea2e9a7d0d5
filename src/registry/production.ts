import type { Context } from '../context.js';
import type { DeploymentRecord } from '../store/types.js';
import { artifactsOf, productionOf } from './deployment.js';

// Where production lives depends on the store (files for sqlite, the store for postgres): see
// deployment.ts; deploy and rollback, which score an unscored version first, are model operations
// (model/deploy.ts). These two stay exported from here for the library API and older imports.
export { productionPath, readProduction } from './production-file.js';

/** The production model, wherever this workspace keeps it (undefined when nothing is deployed). */
export async function currentProduction(ctx: Pick<Context, 'config' | 'store' | 'log'>) {
  return productionOf(ctx).current();
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

