import { solveSpd } from './linalg.js';

/**
 * One pass over the rows at `theta` = [w_0 .. w_{d-1}, b]: fills `out` with [f, g_0..g_d, H lower
 * triangle row by row] of the unpenalised loss sum (f only when `withLoss`, else 0). `hessian`
 * false (a pass may still compute it): H is not wanted and its entries need not be meaningful.
 */
export type Pass = (theta: Float64Array<ArrayBufferLike>, out: Float64Array, withLoss: boolean, hessian?: boolean) => void;

interface Evaluation {
  f: number;
  g: Float64Array;
  h: Float64Array;
}

/**
 * Damped Newton from `theta0`, each evaluation one `pass` over the rows. The line search uses
 * the merit function ½‖∇f‖² instead of f: the Newton direction descends it too (its slope is
 * −‖∇f‖² because the Hessian is positive definite), and it needs no log per row, which is 40% of
 * a pass. The objective itself is computed once, at the end — in the last iteration's own pass
 * when Newton's quadratic convergence predicts that iteration will be the last (the same kernel at
 * the same point, so the same bits), which spares a whole pass over the data; by a pass of its own
 * when the prediction fails. That pass wants no Hessian (nothing follows it), which spares the
 * pass half its work — and a pass again when the prediction fails. Likewise the pass before it,
 * when Newton's convergence is so far along that one step with the previous Hessian is predicted
 * to end the fit (`lean`).
 */
export function newton(pass: Pass, theta0: Float64Array<ArrayBufferLike>, pen: Float64Array, C: number, tol: number, maxIter: number) {
  const d = pen.length;
  const p = d + 1;
  const raw = new Float64Array(1 + p + (p * (p + 1)) / 2);
  const evaluate = (theta: Float64Array<ArrayBufferLike>, withLoss: boolean, hessian = true): Evaluation => {
    pass(theta, raw, withLoss, hessian);
    let f = raw[0] * C;
    const g = new Float64Array(p);
    const h = new Float64Array(p * p);
    for (let j = 0; j < p; j++) g[j] = raw[1 + j] * C;
    let idx = 1 + p;
    for (let j = 0; j < p; j++) {
      for (let k = 0; k <= j; k++) {
        h[j * p + k] = h[k * p + j] = raw[idx++] * C;
      }
    }
    for (let j = 0; j < d; j++) {
      f += 0.5 * pen[j] * theta[j] * theta[j];
      g[j] += pen[j] * theta[j];
      h[j * p + j] += pen[j];
    }
    return { f: withLoss ? f : Number.NaN, g, h };
  };

  let theta: Float64Array = theta0;
  let cur = evaluate(theta, false);
  // The Hessian the next step solves with: that of cur's point (`fresh`), or after a lean pass
  // that of the point before; gH is ‖∇f‖ where it was computed.
  let h = cur.h;
  let gH = norm(cur.g);
  let fresh = true;
  const target = tol * Math.max(1, norm(cur.g));
  let iterations = 0;
  let converged = norm(cur.g) <= target;
  // Whether the next candidate's pass also sums the loss (it is expected to be the last).
  let withLoss = false;
  // Whether the next candidate's pass skips the Hessian, the step after it to reuse this one.
  let lean = false;
  // Quadratic convergence: ‖g⁺‖ ≈ c‖g‖², c measured on the last full step with a fresh Hessian.
  let c = Number.NaN;
  while (!converged && iterations < maxIter) {
    iterations++;
    const stepFresh = fresh;
    const step = solveSpd(h, cur.g.map((v) => -v), p);
    const gBefore = norm(cur.g);
    const merit = 0.5 * gBefore * gBefore;
    let t = 1;
    let accepted = false;
    for (let k = 0; k < 40; k++) {
      const cand = theta.map((v, i) => v + t * step[i]);
      // A pass predicted to be the last wants the loss, not the Hessian; a lean one neither.
      const next = evaluate(cand, withLoss, !withLoss && !lean);
      const gn = norm(next.g);
      if (0.5 * gn * gn <= (1 - 2e-4 * t) * merit) {
        theta = cand;
        cur = next;
        accepted = true;
        break;
      }
      t /= 2;
    }
    // Converged: the gradient is below tolerance, or no step shrinks it any more (the rounding
    // floor of the sums).
    const gAfter = norm(cur.g);
    if (!accepted || gAfter <= target) converged = true;
    else {
      if (stepFresh && t === 1) c = gAfter / (gBefore * gBefore);
      if (!withLoss && !lean) {
        h = cur.h;
        gH = gAfter;
        fresh = true;
      } else if (lean && t === 1) fresh = false;
      else {
        // Predicted the last but it was not, or a lean step was cut short: the next step needs
        // the Hessian here (the same gradient again, bit for bit).
        cur = evaluate(theta, false);
        h = cur.h;
        gH = gAfter;
        fresh = true;
      }
      // The next step's ‖g⁺‖ ≈ c·gH·‖g‖: c‖g‖² with this point's Hessian; with the Hessian of the
      // point a step back, its error (of the order of that step, so of gH) multiplies in instead.
      withLoss = t === 1 && c * gH * gAfter <= target;
      // Lean: when the step after the next is predicted to end the fit even with this Hessian
      // (c‖g‖·c‖g‖² ≤ target, with a margin), the next pass skips the Hessian — on large data
      // the last full-data pass that would compute one, half of its work on both threads.
      lean = !withLoss && fresh && t === 1 && c * c * gAfter * gAfter * gAfter <= target / 100;
    }
  }
  const final = cur.f === cur.f ? cur : evaluate(theta, true, false);
  return { theta, cur: final, iterations, converged };
}

export function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
