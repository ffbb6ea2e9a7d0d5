#!/usr/bin/python3
"""The Python side of bench/categories.ts (issue 15's performance figures), timed inside one
process (interpreter start and imports not included), Debian's pandas and scikit-learn:

    /usr/bin/python3 bench/categories_python.py --data FILE --train FILE [--runs 3] [--skip-fit]

- read_csv: pandas.read_csv(FILE) (the 1,000,000-row client table), --runs times; wall clock
  (perf_counter) and CPU (process_time: user + sys of every thread of this process).
- fit: scikit-learn's Pipeline(ColumnTransformer([("num", Pipeline([SimpleImputer(strategy="median"),
  StandardScaler()]), numeric), ("cat", OneHotEncoder(handle_unknown="ignore"), categorical)]),
  LogisticRegression(C=1.0)) fitted on the rows of --train (read with read_csv, exact duplicate
  rows dropped as riskwatch's ingest drops them; label "Yes" = 1); --runs times.

Prints one JSON object on stdout; peak RSS (ru_maxrss) after the reads and after the fits.
"""
import argparse
import json
import resource
import statistics
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ["tenure_months", "monthly_charges", "total_charges", "support_calls", "logins_30d", "satisfaction", "discount_pct", "employees"]
CATEGORICAL = ["industry", "region", "plan", "contract", "payment_method"]

ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True)
ap.add_argument("--train", required=True)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--skip-fit", action="store_true")
a = ap.parse_args()


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def summary(walls, cpus):
    return {"wall_s": walls, "cpu_s": cpus, "median_wall_s": statistics.median(walls), "median_cpu_s": statistics.median(cpus), "min_wall_s": min(walls), "min_cpu_s": min(cpus)}


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


walls, cpus = [], []
rows = None
for _ in range(a.runs):
    df, w, c = timed(lambda: pd.read_csv(a.data))
    rows = len(df)
    walls.append(w)
    cpus.append(c)
    del df
result = {"versions": {"pandas": pd.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__}, "read_csv": summary(walls, cpus), "read_rows": rows, "maxrss_mb_after_read": maxrss_mb()}

if not a.skip_fit:
    train = pd.read_csv(a.train).drop_duplicates()
    X = train[NUMERIC + CATEGORICAL]
    y = (train["churned"] == "Yes").astype(int).to_numpy()
    walls, cpus = [], []
    model = None
    caught = []
    for _ in range(a.runs):
        model = Pipeline([
            ("prep", ColumnTransformer([
                ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), NUMERIC),
                ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
            ])),
            ("lr", LogisticRegression(C=1.0)),
        ])
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always", ConvergenceWarning)
            _, wall, cpu = timed(lambda: model.fit(X, y))
            caught = [str(x.message).split("\n")[0] for x in w if issubclass(x.category, ConvergenceWarning)]
        walls.append(wall)
        cpus.append(cpu)
    lr = model.named_steps["lr"]
    result["fit"] = summary(walls, cpus)
    result["fit_rows"] = int(len(train))
    result["fit_n_iter"] = int(lr.n_iter_[0])
    result["fit_convergence_warning"] = caught[0] if caught else None
    result["fit_intercept"] = float(lr.intercept_[0])
    result["maxrss_mb_after_fit"] = maxrss_mb()

print(json.dumps(result))
