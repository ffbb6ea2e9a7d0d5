#!/usr/bin/python3
"""The Python stack (pandas / numpy / scikit-learn) on the same benchmark file as riskwatch.

    /usr/bin/python3 bench/python_side.py --data FILE [--runs 3] [--proba-runs 25]
    /usr/bin/python3 bench/python_side.py --data FILE --only ingest   # one read_csv + drop_duplicates, for /usr/bin/time -v

Prints one JSON object on stdout. Every figure is wall time (time.perf_counter) inside this one
process: interpreter start and imports are measured separately (`imports_s`), never included.

- read_csv:        pd.read_csv(FILE), default options.
- drop_duplicates: df.drop_duplicates() on the frame just read (all columns, keep first).
- to_csv:          df.to_csv(tmp, index=False) of the deduplicated frame (the seed's ingestion also
                   writes finaldata.csv; informational, riskwatch's `ingest` writes its dataset too).
- fit_default:     LogisticRegression().fit(X, y) on the deduplicated rows, missing cells filled with
                   the column medians (sklearn rejects NaN). Default solver lbfgs, max_iter=100; a
                   ConvergenceWarning, if raised, is recorded.
- fit_converged:   LogisticRegression(solver="newton-cholesky", tol=1e-12, max_iter=1000) on the
                   same X, y: the fully converged optimum riskwatch's `train` also reaches.
- fit_converged_full: the same converged fit on all rows (no dedup), for bench/kernel.ts's
                   in-process fitLogistic on all rows.
- predict_proba:   model.predict_proba(X_all)[:, 1] on every row of the file (median-imputed
                   numpy array already in memory), median of --proba-runs runs after 3 warm-ups.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings

t_imp = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

IMPORTS_S = time.perf_counter() - t_imp

FEATURES = ["lastmonth_activity", "lastyear_activity", "number_of_employees"]
TARGET = "exited"


def timed(fn, runs):
    """Run fn() `runs` times; return (median seconds, all seconds, last result)."""
    times = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times, out


def impute(df):
    x = df[FEATURES]
    med = x.median()
    return x.fillna(med).to_numpy(dtype=np.float64), df[TARGET].to_numpy(), med.tolist()


def fit(X, y, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        m = LogisticRegression(**kw).fit(X, y)
    conv = [str(w.message).splitlines()[0] for w in caught if issubclass(w.category, ConvergenceWarning)]
    return m, conv


def describe_model(m, X, y):
    """Objective 0.5·‖w‖² + C·Σ log-loss (sklearn's, C = 1) and its gradient norm, for comparison."""
    w = m.coef_[0]
    b = m.intercept_[0]
    t = X @ w + b
    loss = np.logaddexp(0, t) - y * t
    with np.errstate(over="ignore"):
        p = 1 / (1 + np.exp(-t))
    r = p - y
    g = np.concatenate([X.T @ r + w, [r.sum()]])
    return {
        "coef": w.tolist(),
        "intercept": float(b),
        "n_iter": int(np.max(m.n_iter_)),
        "objective": float(0.5 * w @ w + loss.sum()),
        "grad_norm": float(np.linalg.norm(g)),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--proba-runs", type=int, default=25)
    ap.add_argument("--only", choices=["ingest"], default=None)
    ap.add_argument("--no-to-csv", action="store_true")
    a = ap.parse_args()

    if a.only == "ingest":
        t = time.perf_counter()
        df = pd.read_csv(a.data)
        t1 = time.perf_counter()
        d = df.drop_duplicates()
        t2 = time.perf_counter()
        print(json.dumps({"rows": len(df), "rows_dedup": len(d), "read_csv_s": t1 - t, "drop_duplicates_s": t2 - t1, "imports_s": IMPORTS_S}))
        return

    res = {
        "versions": {
            "python": sys.version.split()[0],
            "pandas": pd.__version__,
            "numpy": np.__version__,
            "sklearn": sklearn.__version__,
        },
        "data": os.path.abspath(a.data),
        "imports_s": IMPORTS_S,
    }

    med, times, df = timed(lambda: pd.read_csv(a.data), a.runs)
    res["rows"] = len(df)
    res["read_csv"] = {"median_s": med, "runs_s": times}

    med, times, dd = timed(lambda: df.drop_duplicates(), a.runs)
    res["rows_dedup"] = len(dd)
    res["drop_duplicates"] = {"median_s": med, "runs_s": times}

    if not a.no_to_csv:
        fd, tmp = tempfile.mkstemp(suffix=".csv", dir=os.path.dirname(os.path.abspath(a.data)))
        os.close(fd)
        try:
            med, times, _ = timed(lambda: dd.to_csv(tmp, index=False), a.runs)
            res["to_csv"] = {"median_s": med, "runs_s": times}
        finally:
            os.unlink(tmp)

    X, y, medians = impute(dd)
    res["medians"] = medians

    conv_msgs = []

    def f_default():
        m, c = fit(X, y)
        conv_msgs.extend(c)
        return m

    med, times, m = timed(f_default, a.runs)
    res["fit_default"] = {"median_s": med, "runs_s": times, "convergence_warning": conv_msgs[0] if conv_msgs else None, **describe_model(m, X, y)}

    conv_msgs = []

    def f_newton():
        m, c = fit(X, y, solver="newton-cholesky", tol=1e-12, max_iter=1000)
        conv_msgs.extend(c)
        return m

    med, times, m_conv = timed(f_newton, a.runs)
    res["fit_converged"] = {"median_s": med, "runs_s": times, "convergence_warning": conv_msgs[0] if conv_msgs else None, **describe_model(m_conv, X, y)}

    Xa, ya, _ = impute(df)
    conv_msgs = []

    def f_newton_full():
        m, c = fit(Xa, ya, solver="newton-cholesky", tol=1e-12, max_iter=1000)
        conv_msgs.extend(c)
        return m

    med, times, m_full = timed(f_newton_full, a.runs)
    res["fit_converged_full"] = {"rows": len(ya), "median_s": med, "runs_s": times, "convergence_warning": conv_msgs[0] if conv_msgs else None, **describe_model(m_full, Xa, ya)}

    # predict_proba on every row of the file (imputed with the dedup medians, as a deployed model would).
    Xp = df[FEATURES].fillna(pd.Series(medians, index=FEATURES)).to_numpy(dtype=np.float64)
    for _ in range(3):
        m_conv.predict_proba(Xp)
    med, times, p = timed(lambda: m_conv.predict_proba(Xp)[:, 1], a.proba_runs)
    res["predict_proba"] = {"rows": len(Xp), "median_s": med, "min_s": min(times), "max_s": max(times), "runs": a.proba_runs, "mean_p": float(p.mean())}
    # The same computation written directly in numpy (no sklearn input validation).
    w = m_conv.coef_[0]
    b = m_conv.intercept_[0]
    with np.errstate(over="ignore"):  # exp overflow → inf → probability 0, as expit
        med, times, _ = timed(lambda: 1 / (1 + np.exp(-(Xp @ w + b))), a.proba_runs)
    res["numpy_sigmoid"] = {"median_s": med, "min_s": min(times), "runs": a.proba_runs}

    print(json.dumps(res))


if __name__ == "__main__":
    main()
