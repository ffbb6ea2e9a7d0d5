/**
 * Solve A x = b for a small symmetric positive-definite A (row-major, n×n) by Cholesky. If A is
 * not numerically positive definite, a tiny ridge is added and the factorisation retried.
 */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  let ridge = 0;
  const scale = Math.max(...Array.from({ length: n }, (_, i) => Math.abs(a[i * n + i])), 1e-300);
  for (let attempt = 0; attempt < 12; attempt++) {
    const l = cholesky(a, n, ridge);
    if (l) return cholSolve(l, b, n);
    ridge = ridge === 0 ? scale * 1e-14 : ridge * 100;
  }
  throw new Error('Hessian is not positive definite even after regularisation');
}

function cholesky(a: Float64Array, n: number, ridge: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

function cholSolve(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}
