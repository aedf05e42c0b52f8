#!/usr/bin/env python3
"""Probe: would a memory of the labelled clauses help the label model?

A research measurement, not part of the model or of make test. It asks
whether the labels of a clause's most similar training clauses, read
beside the shipped model's score, label better than the score alone,
before anyone builds such a memory into the model (docs/model.md, "Not at
the bars yet"). It prints figures only, no corpus text.

For every training clause (OPP-115 train.csv, then modern-opp115
train.jsonl) it reads the shipped model's cross-validated scores, as
`policylens train --oof FILE` writes them, and for the validation clauses
the scores `policylens classify` gives (OPP-115 segments with their place
in their policy, from the attribute files; modern clauses with their
heading path and without a place). Similarity is the cosine of TF-IDF
vectors of word n-grams (lower case, min-df 3, sublinear TF) over the
training clauses; with --top M, each training clause keeps only its M
highest-weighted n-grams (renormalised), what a model file could store
without storing the text. A training clause's neighbours never include
itself; with --other-policies they also leave out the clauses of its own
policy or company (and a validation clause's, those of its own), as for a
policy the model has never seen.

Per label, a logistic regression reads the logit of the score alone
(the row "score") or with three more inputs: the similarity-weighted vote
of the k nearest clauses minus 0.5, that vote times the best similarity,
and the nearest clause's label minus 0.5 times its similarity. It is
fitted on the training clauses' cross-validated scores, each label's
threshold is its F1-best on them, and a clause no threshold admits gets
its best label. The "train" figures are read on the same training
clauses (in sample for the regression and the thresholds), the
validation figures on clauses none of it saw.

Needs Python 3 with numpy, scipy and scikit-learn (Debian:
apt-get install python3-sklearn). From the repository root:

  make bin/policylens
  bin/policylens train --corpus ../shared/corpus --wink WINK_JSON --out /tmp/labels.bin --oof /tmp/labels-oof.tsv
  python3 scripts/memoryprobe/memoryprobe.py --corpus ../shared/corpus --oof /tmp/labels-oof.tsv

(the train line writes the shipped model again, byte for byte, with its
cross-validated scores; make model-attrs writes the same file into
WINK_DIR as labels-oof.tsv).
"""

import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
except ImportError as e:
    sys.exit(f"memoryprobe: {e}: needs numpy, scipy and scikit-learn (apt-get install python3-sklearn)")

LABELS = [
    "First Party Collection/Use", "Third Party Sharing/Collection", "User Choice/Control",
    "User Access, Edit and Deletion", "Data Retention", "Data Security", "Policy Change",
    "Do Not Track", "International and Specific Audiences", "Introductory/Generic",
    "Practice not covered", "Privacy contact information",
]


def read_csv(path):
    """Segments of an OPP-115 CSV in order of first row, with their label sets."""
    out = collections.OrderedDict()
    with open(path, newline="", encoding="utf-8") as f:
        for text, label in csv.reader(f):
            if text == "#NAME?":
                continue
            out.setdefault(text, set()).add(label)
    return list(out.items())


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def onehot(sets):
    return np.array([[l in s for l in LABELS] for s in sets], dtype=float)


def f1(pred, gold):
    tp = (pred * gold).sum(0)
    fp = (pred * (1 - gold)).sum(0)
    fn = ((1 - pred) * gold).sum(0)
    micro = 2 * tp.sum() / (2 * tp.sum() + fp.sum() + fn.sum())
    macro = np.mean([2 * a / (2 * a + b + c) if a + b + c > 0 else 0.0 for a, b, c in zip(tp, fp, fn)])
    return micro, macro


def classify(policylens, lines):
    """Scores of the lines (dicts) by policylens classify, in order."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for x in lines:
            f.write(json.dumps(x) + "\n")
        path = f.name
    try:
        out = subprocess.run([policylens, "classify", path], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    rows = [json.loads(l) for l in out.splitlines() if l.strip()]
    if len(rows) != len(lines):
        sys.exit(f"memoryprobe: classify gave {len(rows)} lines for {len(lines)}")
    return np.array([[r["scores"][l] for l in LABELS] for r in rows])


def logit(p):
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def keep_top(x, m):
    """Each row of the CSR matrix x with its m largest values, renormalised."""
    x = x.tocsr()
    rows, cols, vals = [], [], []
    for i in range(x.shape[0]):
        a, b = x.indptr[i], x.indptr[i + 1]
        idx, v = x.indices[a:b], x.data[a:b]
        o = np.argsort(-v)[:m]
        w = v[o]
        n = np.linalg.norm(w)
        rows += [i] * len(o)
        cols += list(idx[o])
        vals += list(w / n if n > 0 else w)
    return sp.csr_matrix((vals, (rows, cols)), shape=x.shape)


def memory_inputs(sim, y, k):
    """Vote of the k nearest (similarity-weighted), best similarity, nearest's labels."""
    idx = np.argsort(-sim, 1)[:, :k]
    w = np.clip(np.take_along_axis(sim, idx, 1), 0, None)
    total = w.sum(1)
    vote = (y[idx] * w[:, :, None]).sum(1) / np.maximum(total, 1e-9)[:, None]
    vote[total == 0] = 0.5
    return vote, w[:, 0], y[idx[:, 0]]


def decisions(inputs, y_train, k_on):
    """Per label, a regression and a threshold fitted on inputs[0] (the
    training clauses); the labels they give each set of inputs."""
    probs = [np.zeros((len(x[0]), len(LABELS))) for x in inputs]
    for l in range(len(LABELS)):
        def cols(x):
            lg, vote, s1, top = x
            c = [lg[:, l]]
            if k_on:
                c += [vote[:, l] - 0.5, (vote[:, l] - 0.5) * s1, (top[:, l] - 0.5) * s1]
            return np.stack(c, 1)
        m = LogisticRegression(C=1.0, max_iter=1000).fit(cols(inputs[0]), y_train[:, l])
        for p, x in zip(probs, inputs):
            p[:, l] = m.predict_proba(cols(x))[:, 1]
    thr = np.zeros(len(LABELS))
    for l in range(len(LABELS)):
        best = (-1.0, 0.5)
        for t in np.arange(0.05, 0.95, 0.01):
            pred = probs[0][:, l] >= t
            tp = (pred * y_train[:, l]).sum()
            f = 2 * tp / (pred.sum() + y_train[:, l].sum())
            if f > best[0]:
                best = (f, t)
        thr[l] = best[1]
    out = []
    for p in probs:
        d = (p >= thr).astype(float)
        none = d.sum(1) == 0
        d[none] = np.eye(len(LABELS))[p[none].argmax(1)]
        out.append(d)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True, help="corpus root (../shared/corpus)")
    ap.add_argument("--oof", required=True, help="policylens train --oof FILE's output")
    ap.add_argument("--policylens", default="bin/policylens", help="the CLI to classify the validation clauses with")
    ap.add_argument("--k", default="5,10", help="numbers of neighbours, comma-separated")
    ap.add_argument("--ngrams", type=int, default=1, help="word n-grams up to this length (1: words)")
    ap.add_argument("--top", default="0,48", help="n-grams kept per training clause, comma-separated (0: all)")
    ap.add_argument("--other-policies", action="store_true", help="leave out neighbours of the clause's own policy or company")
    a = ap.parse_args()

    opp_tr = read_csv(os.path.join(a.corpus, "opp115", "train.csv"))
    opp_va = read_csv(os.path.join(a.corpus, "opp115", "validation.csv"))
    mod_tr = read_jsonl(os.path.join(a.corpus, "modern-opp115", "train.jsonl"))
    mod_va = read_jsonl(os.path.join(a.corpus, "modern-opp115", "validation.jsonl"))
    segs = []
    for name in ("train.jsonl", "validation.jsonl"):
        segs += read_jsonl(os.path.join(a.corpus, "opp115-attributes", name))
    count = collections.Counter()
    for s in segs:
        count[s["policy"]] = max(count[s["policy"]], s["segment"] + 1)
    place, policy = {}, {}
    for s in segs:
        t = s["text"].strip()
        place.setdefault(t, (s["segment"], count[s["policy"]]))
        policy.setdefault(t, s["policy"])

    n0, n1 = len(opp_tr), len(mod_tr)
    with open(a.oof, encoding="utf-8") as f:
        oof = [line.rstrip("\n").split("\t") for line in f][: n0 + n1]
    y_train = np.vstack([onehot([s for _, s in opp_tr]), onehot([set(d["labels"]) for d in mod_tr])])
    gold = np.array([[(int(r[2]) >> l) & 1 for l in range(len(LABELS))] for r in oof], dtype=float)
    if len(oof) != n0 + n1 or not np.array_equal(gold, y_train):
        sys.exit("memoryprobe: the --oof file does not list the training clauses in corpus order (OPP-115, then modern)")
    p_train = np.array([[float(v) for v in r[4:4 + len(LABELS)]] for r in oof])

    lines = []
    for t, _ in opp_va:
        x = {"text": t}
        if t.strip() in place:
            x["index"], x["count"] = place[t.strip()]
        lines.append(x)
    p_opp = classify(a.policylens, lines)
    p_mod = classify(a.policylens, [{"text": d["text"], "heading": d.get("heading", "")} for d in mod_va])
    g_opp = onehot([s for _, s in opp_va])
    g_mod = onehot([set(d["labels"]) for d in mod_va])

    texts = [t for t, _ in opp_tr] + [d["text"] for d in mod_tr]
    group = np.array([policy.get(t.strip(), f"opp:{i}") for i, (t, _) in enumerate(opp_tr)] + ["modern:" + d["source"] for d in mod_tr])
    g_opp_group = np.array([policy.get(t.strip(), f"val:{i}") for i, (t, _) in enumerate(opp_va)])
    g_mod_group = np.array(["modern:" + d["source"] for d in mod_va])
    vec = TfidfVectorizer(ngram_range=(1, a.ngrams), sublinear_tf=True, min_df=3)
    x_train = vec.fit_transform(texts)
    x_opp, x_mod = vec.transform([t for t, _ in opp_va]), vec.transform([d["text"] for d in mod_va])

    print(f"memoryprobe: {n0} OPP-115 and {n1} modern training clauses, {len(opp_va)} and {len(mod_va)} validation; "
          f"word 1-{a.ngrams}-grams, {x_train.shape[1]} columns"
          + ("; neighbours of other policies only" if a.other_policies else ""))
    print(f"{'memory':<22} {'train OPP-115':>14} {'train modern':>14} {'val OPP-115':>14} {'val modern':>14}   (micro / macro F1)")

    def show(name, figs):
        print(f"{name:<22} " + " ".join(f"{mi:.3f} / {ma:.3f}".rjust(14) for mi, ma in figs))

    def figures(inputs, k_on):
        d_train, d_opp, d_mod = decisions(inputs, y_train, k_on)
        return [f1(d_train[:n0], y_train[:n0]), f1(d_train[n0:], y_train[n0:]), f1(d_opp, g_opp), f1(d_mod, g_mod)]

    none = (None, None, None)
    show("score", figures([(logit(p_train),) + none, (logit(p_opp),) + none, (logit(p_mod),) + none], False))
    for top in [int(v) for v in a.top.split(",")]:
        stored = keep_top(x_train, top) if top > 0 else x_train
        s_train = (x_train @ stored.T).toarray()
        np.fill_diagonal(s_train, -1)
        s_opp, s_mod = (x_opp @ stored.T).toarray(), (x_mod @ stored.T).toarray()
        if a.other_policies:
            s_train[group[:, None] == group[None, :]] = -1
            s_opp[g_opp_group[:, None] == group[None, :]] = -1
            s_mod[g_mod_group[:, None] == group[None, :]] = -1
        for k in [int(v) for v in a.k.split(",")]:
            ins = [(logit(p),) + memory_inputs(sim, y_train, k) for p, sim in ((p_train, s_train), (p_opp, s_opp), (p_mod, s_mod))]
            show(f"k {k}, " + (f"top {top}" if top else "all n-grams"), figures(ins, True))


if __name__ == "__main__":
    main()
