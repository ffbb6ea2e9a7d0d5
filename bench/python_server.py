#!/usr/bin/python3
"""The original project's kind of API, for bench/server.ts: Flask under gunicorn, an sklearn model.

    RW_DATA=path/to/finaldata.csv gunicorn -w 2 -b 127.0.0.1:PORT --chdir bench python_server:app

At import (once per gunicorn worker) it trains scikit-learn's LogisticRegression() on the same
dataset riskwatch trained on (the ingested finaldata.csv; missing cells replaced by the column
medians, as riskwatch does), so both sides answer the same question with the same kind of model.
POST /prediction takes riskwatch's JSON body, {"records": [{corporation?, <feature>: number|null}]},
and answers {"predictions": [{"id", "probability", "prediction"}]}; it checks that every feature
is a number or null (400 otherwise), as riskwatch validates its input. The model stays in memory
(unlike the original, which loaded it from disk on every call — that would only widen the gap).
"""
import os

import numpy as np
import pandas as pd
from flask import Flask, jsonify, request
from sklearn.linear_model import LogisticRegression

FEATURES = ["lastmonth_activity", "lastyear_activity", "number_of_employees"]
TARGET = "exited"
ID = "corporation"

_df = pd.read_csv(os.environ["RW_DATA"])
_medians = _df[FEATURES].median()
_model = LogisticRegression().fit(_df[FEATURES].fillna(_medians).to_numpy(), _df[TARGET].to_numpy())
_med = _medians.to_numpy()

app = Flask(__name__)


@app.post("/prediction")
def prediction():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        return jsonify({"errors": [{"record": None, "field": "records", "message": "expected an array of records"}]}), 400
    records = body["records"]
    x = np.empty((len(records), len(FEATURES)))
    errors = []
    for i, r in enumerate(records):
        for j, f in enumerate(FEATURES):
            v = r.get(f) if isinstance(r, dict) else None
            if v is None:
                x[i, j] = _med[j]
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                x[i, j] = v
            else:
                errors.append({"record": i, "field": f, "message": "expected a number or null"})
    if errors:
        return jsonify({"errors": errors}), 400
    prob = _model.predict_proba(x)[:, 1] if len(records) else np.empty(0)
    out = [
        {"id": str(r.get(ID, f"record-{i}")) if isinstance(r, dict) else f"record-{i}", "probability": float(p), "prediction": int(p > 0.5)}
        for i, (r, p) in enumerate(zip(records, prob))
    ]
    return jsonify({"predictions": out})


@app.get("/health")
def health():
    return jsonify({"status": "ok"})
