#!/usr/bin/python3
"""scikit-learn's HistGradientBoostingClassifier (and LightGBM when importable) on the data of
bench/gbdt.ts, timed inside one process (imports not included).

    /usr/bin/python3 bench/gbdt_python.py --rows N --seed S --data FILE --holdout FILE2 [--runs 3] [--threads 2]

Writes the generated data (scripts/fixtures/gbdt_data.py) to FILE (N rows, seed S) and FILE2
(200,000 rows, seed S + 1) when absent, as raw little-endian float64: 13 columns one after the
other (NaN = missing), then the labels. Fits on all N rows, times predict_proba of the N rows, and
reports ROC AUC on FILE2's rows. Prints one JSON object on stdout.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts", "fixtures"))
import gbdt_data  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, required=True)
ap.add_argument("--seed", type=int, default=42)
ap.add_argument("--data", required=True)
ap.add_argument("--holdout", required=True)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--generate-only", action="store_true")
a = ap.parse_args()

HOLDOUT_ROWS = 200_000
for path, rows, seed in [(a.data, a.rows, a.seed), (a.holdout, HOLDOUT_ROWS, a.seed + 1)]:
    if not os.path.exists(path):
        X, y, mask = gbdt_data.generate(rows, seed)
        np.concatenate([X.T.ravel(), y.astype(float)]).astype("<f8").tofile(path + ".tmp")
        os.replace(path + ".tmp", path)
if a.generate_only:
    sys.exit(0)

os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))
t = time.perf_counter()
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
imports_s = time.perf_counter() - t

p = len(gbdt_data.FEATURES)


def load(path, n):
    raw = np.fromfile(path, dtype="<f8")
    return raw[: n * p].reshape(p, n).T.copy(), raw[n * p:].astype(int)


n = a.rows
X, y = load(a.data, n)
Xh, yh = load(a.holdout, HOLDOUT_ROWS)
mask = np.array([f in gbdt_data.CATEGORICAL for f in gbdt_data.FEATURES])


def timed(make):
    fits, preds, out = [], [], None
    for _ in range(a.runs):
        clf = make()
        t0 = time.perf_counter()
        clf.fit(X, y)
        fits.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        proba = clf.predict_proba(X)[:, 1]
        preds.append(time.perf_counter() - t0)
        out = {"iterations": int(getattr(clf, "n_iter_", getattr(clf, "n_estimators", 0))),
               "auc": float(roc_auc_score(yh, clf.predict_proba(Xh)[:, 1]))}
    return {"fit_s": fits, "predict_s": preds, **out}


import sklearn  # noqa: E402

result = {"rows": n, "imports_s": imports_s, "threads": a.threads, "sklearn": sklearn.__version__}
result["sklearn_default"] = timed(lambda: HistGradientBoostingClassifier(categorical_features=mask, random_state=0))
result["sklearn_100"] = timed(lambda: HistGradientBoostingClassifier(categorical_features=mask, early_stopping=False))
try:
    import lightgbm  # noqa: E402

    result["lightgbm"] = timed(lambda: lightgbm.LGBMClassifier(n_jobs=a.threads, verbose=-1))
except ImportError:
    result["lightgbm"] = None
print(json.dumps(result))
