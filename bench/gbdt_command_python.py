#!/usr/bin/python3
"""LightGBM's and scikit-learn HistGradientBoosting's default fit and predict_proba on the rows of
bench/gbdt-command.ts, timed inside one process (imports and data loading not included):

    PYTHON bench/gbdt_command_python.py --rows N --data FILE [--threads 2]

FILE is bench/gbdt_python.py's raw float64 data (13 columns one after the other, then the labels).
Wall time by perf_counter, CPU by process_time (user + system of every thread of the process).
Prints one JSON object on stdout.
"""
import argparse
import json
import os
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()
os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402

P = 13
CATEGORICAL = list(range(8, 13))
n = a.rows
raw = np.fromfile(a.data, dtype="<f8")
X = raw[: n * P].reshape(P, n).T.copy()
y = raw[n * P:].astype(int)
mask = np.array([j in CATEGORICAL for j in range(P)])


def clock(fn):
    w, c = time.perf_counter(), time.process_time()
    r = fn()
    return r, {"wall_s": time.perf_counter() - w, "cpu_s": time.process_time() - c}


result = {"rows": n, "threads": a.threads, "python": sys.version.split()[0], "sklearn": sklearn.__version__, "fit": {}, "predict": {}}
models = {"sklearn HistGradientBoosting": lambda: HistGradientBoostingClassifier(categorical_features=mask, random_state=0)}
try:
    import lightgbm

    result["lightgbm"] = lightgbm.__version__
    models["LightGBM"] = lambda: lightgbm.LGBMClassifier(n_jobs=a.threads, verbose=-1)
except ImportError:
    result["lightgbm"] = None

for name, make in models.items():
    clf = make()
    fit_kw = {"categorical_feature": CATEGORICAL} if name == "LightGBM" else {}
    _, t = clock(lambda: clf.fit(X, y, **fit_kw))
    trees = int(getattr(clf, "n_iter_", 0) or getattr(clf, "n_estimators_", 0) or getattr(clf, "n_estimators", 0))
    result["fit"][name] = {**t, "trees": trees}
    _, t = clock(lambda: clf.predict_proba(X))
    result["predict"][name] = t
print(json.dumps(result))
