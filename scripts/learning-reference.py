#!/usr/bin/env python3
"""Writes the reference fixtures of the learning code (src/learning/) with
scikit-learn, the model the issue names as the reference:

  /usr/bin/python3 scripts/learning-reference.py   (Debian: python3-sklearn 1.2, numpy)

tests/fixtures/learning/
  logistic.json   a lead list (numeric, numeric with missing values, boolean,
                  categorical with a level cap) and a planted outcome; the
                  feature encoding docs/predictive.md documents, written out
                  here in numpy, and LogisticRegression(penalty="l2", C) fitted
                  on the training rows: coefficients, intercept, and AUC / log
                  loss / Brier on the held-out rows.
  kmeans.json     points, initial centres (sklearn's kmeans_plusplus) and the
                  inertia of KMeans(init=those centres, n_init=1), plus the best
                  inertia of KMeans(n_init=10) over sklearn's own seeds.
  planted.json    a planted-cluster lead list and its true labels.

The data is generated with fixed seeds and rounded to 4 decimals before
anything is fitted, so the committed files are the exact inputs. Rerun only
to change the fixtures; tests/native/learning_reference_test.cc reads them.
"""
import json
import os

import numpy as np
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "learning")


def write(name, doc):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


def logistic():
    rng = np.random.default_rng(18)
    n, train = 600, 450
    visits = rng.poisson(3.0, n).astype(float)
    revenue = np.round(rng.lognormal(3.0, 0.8, n), 4)
    revenue_missing = rng.random(n) < 0.15
    is_customer = rng.random(n) < 0.3
    levels = ["Software", "Retail", "Finance", "Other"]
    industry = rng.choice(levels, n, p=[0.4, 0.3, 0.2, 0.1]).astype(object)
    industry[rng.random(n) < 0.05] = None
    eta = (-1.2 + 0.35 * (visits - 3) + 0.02 * np.where(revenue_missing, 0, revenue - 20)
           - 0.6 * revenue_missing + 0.8 * is_customer
           + np.array([{"Software": 0.7, "Retail": -0.4, "Finance": 0.2, "Other": 0.0}.get(v, -0.5) for v in industry]))
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    C, max_levels = 0.5, 2

    # The encoding of src/learning/feature_table.h, on every row.
    cols, labels = [], []

    def numeric(values, present, name):
        mean = values[present].mean()
        sd = values[present].std()  # population, as StandardScaler
        cols.append(np.where(present, (values - mean) / sd, 0.0))
        labels.append(name)
        if (~present).any():
            cols.append((~present).astype(float))
            labels.append(name + " missing")

    numeric(visits, np.ones(n, bool), "visits")
    numeric(revenue, ~revenue_missing, "revenue")
    numeric(is_customer.astype(float), np.ones(n, bool), "is_customer")
    present = np.array([v is not None for v in industry])
    counts = {lv: int(np.sum(industry == lv)) for lv in levels}
    top = sorted(levels, key=lambda lv: -counts[lv])[:max_levels]  # stable: ties in level order
    for lv in top:
        cols.append((industry == lv).astype(float))
        labels.append("industry = " + lv)
    cols.append((~present).astype(float))
    labels.append("industry missing")
    X = np.column_stack(cols)

    # Standardised on every row (the table is built once), fitted on the
    # training rows, measured on the rest.
    model = LogisticRegression(penalty="l2", C=C, solver="newton-cg", tol=1e-12, max_iter=10000)
    model.fit(X[:train], y[:train])
    p = model.predict_proba(X[train:])[:, 1]
    write("logistic.json", {
        "C": C, "maxLevels": max_levels, "trainRows": train,
        "columns": {
            "visits": visits.tolist(),
            "revenue": [None if m else float(v) for v, m in zip(revenue, revenue_missing)],
            "is_customer": [bool(v) for v in is_customer],
            "industry": list(industry),
        },
        "levels": levels,
        "y": y.tolist(),
        "expected": {
            "features": labels,
            "coef": model.coef_[0].tolist(),
            "intercept": float(model.intercept_[0]),
            "auc": roc_auc_score(y[train:], p),
            "logLoss": log_loss(y[train:], p),
            "brier": brier_score_loss(y[train:], p),
        },
    })


def kmeans():
    rng = np.random.default_rng(7)
    k, p, per = 5, 4, 180
    centres = rng.uniform(-6, 6, (k, p))
    X = np.round(np.vstack([c + rng.normal(0, 1.8, (per, p)) for c in centres]), 4)
    init, _ = kmeans_plusplus(X, k, random_state=0)
    same_start = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", tol=1e-4).fit(X)
    own_seeds = KMeans(n_clusters=k, init="k-means++", n_init=10, algorithm="lloyd", tol=1e-4, random_state=0).fit(X)
    write("kmeans.json", {
        "k": k, "points": X.tolist(), "init": init.tolist(),
        "expected": {"inertiaFromInit": float(same_start.inertia_), "inertiaBestOf10": float(own_seeds.inertia_)},
    })


def planted():
    rng = np.random.default_rng(42)
    k, per = 4, 300
    means = {  # visits, revenue, pages, days_since_visit
        0: (2, 20, 3, 40), 1: (12, 25, 15, 3), 2: (3, 150, 4, 10), 3: (9, 90, 25, 20),
    }
    sds = (1.0, 6.0, 1.5, 4.0)
    rows, labels = [], []
    for c in range(k):
        for _ in range(per):
            rows.append([round(float(rng.normal(m, s)), 4) for m, s in zip(means[c], sds)])
            labels.append(c)
    order = rng.permutation(len(rows))
    write("planted.json", {
        "columns": ["visits", "revenue", "pages", "days_since_visit"],
        "rows": [rows[i] for i in order], "labels": [labels[i] for i in order], "k": k,
    })


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    logistic()
    kmeans()
    planted()
    print("wrote", ", ".join(sorted(os.listdir(OUT))))
