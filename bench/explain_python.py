#!/usr/bin/env python3
"""The reference side of bench/explain.ts: shap on the same trees and the same rows, timed inside one
process (imports and loading not included). Needs shap (a venv: pip install shap scikit-learn pandas).

    /work/venv-explain/bin/python bench/explain_python.py --trees T.json --rows R.f64 --features P \
        --linear L.json --linear-rows X.f64 --linear-background B.f64 --out OUT.f64 [--runs 3]

Trees: a JSON {baseScore, trees: [{feature, threshold, missingLeft, left, right, value, cover}]}
(numeric splits only; riskwatch's kernel form), given to shap.TreeExplainer as its dictionary model
format (children_left/right/default, features, thresholds, values, node_sample_weight), so shap's
own C++ TreeSHAP (tree_path_dependent) runs on exactly these trees. Rows: raw little-endian float64,
P columns one after the other. The linear part: shap.LinearExplainer((coef, intercept),
Independent(background, max_samples=all)) on the model's design matrix (what riskwatch computes its
logistic contributions from). Writes shap's tree values (row-major) to OUT and prints one JSON object.
"""
import argparse
import json
import statistics
import time

import numpy as np
import shap

ap = argparse.ArgumentParser()
ap.add_argument("--trees", required=True)
ap.add_argument("--rows", required=True)
ap.add_argument("--features", type=int, required=True)
ap.add_argument("--linear", required=True)
ap.add_argument("--linear-rows", required=True)
ap.add_argument("--linear-background", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--runs", type=int, default=3)
a = ap.parse_args()


def load_columns(path, p):
    flat = np.fromfile(path, dtype="<f8")
    return flat.reshape(p, -1).T.copy()


def shap_tree(t):
    n = len(t["feature"])
    feature = np.array(t["feature"], dtype=np.int32)
    left = np.array(t["left"], dtype=np.int32)
    right = np.array(t["right"], dtype=np.int32)
    cover = np.array(t["cover"], dtype=np.float64)
    values = np.array(t["value"], dtype=np.float64)
    # Internal nodes hold the cover-weighted mean of their leaves (shap reads the root's as the
    # tree's expected value); nodes come after their parents, so children first from the end.
    for i in range(n - 1, -1, -1):
        if feature[i] >= 0:
            values[i] = (cover[left[i]] * values[left[i]] + cover[right[i]] * values[right[i]]) / cover[i]
    default = np.where(np.array(t["missingLeft"]), left, right).astype(np.int32)
    leaf = feature < 0
    return {
        "children_left": np.where(leaf, -1, left).astype(np.int32),
        "children_right": np.where(leaf, -1, right).astype(np.int32),
        "children_default": np.where(leaf, -1, default).astype(np.int32),
        "features": np.where(leaf, -2, feature).astype(np.int32),
        "thresholds": np.array(t["threshold"], dtype=np.float64),
        "values": values.reshape(-1, 1),
        "node_sample_weight": cover,
    }


def timed(fn, runs):
    wall, cpu, result = [], [], None
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return result, {"wall_s": wall, "cpu_s": cpu, "wall_median_s": statistics.median(wall), "cpu_median_s": statistics.median(cpu)}


with open(a.trees) as fh:
    model = json.load(fh)
X = load_columns(a.rows, a.features)
ensemble = {"trees": [shap_tree(t) for t in model["trees"]], "base_offset": model["baseScore"], "internal_dtype": np.float64, "input_dtype": np.float64}
explainer = shap.TreeExplainer(ensemble, feature_perturbation="tree_path_dependent")
explainer.shap_values(X[:10])  # warm-up (first call loads the extension's paths)
phi, tree_times = timed(lambda: explainer.shap_values(X, check_additivity=False), a.runs)
np.asarray(phi, dtype="<f8").tofile(a.out)

with open(a.linear) as fh:
    lin = json.load(fh)
cols = len(lin["coef"])
Xl = load_columns(a.linear_rows, cols)
B = load_columns(a.linear_background, cols)
lexp = shap.LinearExplainer((np.array(lin["coef"]), lin["intercept"]), shap.maskers.Independent(B, max_samples=B.shape[0]))
lexp(Xl[:10])
lphi, linear_times = timed(lambda: lexp(Xl).values, a.runs)

print(json.dumps({
    "shap": shap.__version__,
    "numpy": np.__version__,
    "tree": {**tree_times, "expected_value": float(np.asarray(explainer.expected_value).reshape(-1)[0]), "rows": int(X.shape[0])},
    "linear": {**linear_times, "expected_value": float(np.asarray(lexp.expected_value).reshape(-1)[0]), "columns": cols, "first_row": [float(v) for v in lphi[0]]},
}))
