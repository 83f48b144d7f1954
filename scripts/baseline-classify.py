#!/usr/bin/env python3
"""A scikit-learn baseline for `helpline classify`: TF-IDF over character 3–4-grams of words and
over words and word pairs, and a multinomial logistic regression, learnt from the same data as
the matcher (each intent's `examples` in Intents/*.yaml, and `config/offtopic.yaml` as the class
`none`). It predicts like `helpline classify --json`: the likeliest class and its probability, one
JSON object per input line.

  python3 -m venv /tmp/sk-venv && /tmp/sk-venv/bin/pip install scikit-learn pyyaml
  /tmp/sk-venv/bin/python scripts/baseline-classify.py fit --model /tmp/baseline.pkl
  /tmp/sk-venv/bin/python scripts/baseline-classify.py predict --model /tmp/baseline.pkl < IN > OUT
  /tmp/sk-venv/bin/python scripts/baseline-classify.py both < IN > OUT     # fit, then predict

Each command reports its timings on standard error: the imports, reading, fitting (with how many
examples), and the batch prediction (vectorizing and scoring all lines at once, then writing).
"""
import argparse
import json
import pathlib
import pickle
import sys
import time

T0 = time.perf_counter()
import yaml  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline, make_union  # noqa: E402

IMPORTS = time.perf_counter() - T0
INTENTS = pathlib.Path(__file__).resolve().parent.parent / "Intents"


def log(message):
    print(message, file=sys.stderr, flush=True)


def examples(folder):
    texts, labels = [], []
    for path in sorted(folder.glob("*.yaml")):
        intent = yaml.safe_load(path.read_text(encoding="utf-8"))
        for text in intent.get("examples") or []:
            texts.append(str(text))
            labels.append(intent["id"])
    offtopic = yaml.safe_load((folder / "config" / "offtopic.yaml").read_text(encoding="utf-8"))
    for text in offtopic.get("examples") or []:
        texts.append(str(text))
        labels.append("none")
    return texts, labels


def fit(folder):
    texts, labels = examples(folder)
    start = time.perf_counter()
    model = make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, lowercase=True),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
        ),
        LogisticRegression(C=10, max_iter=1000),
    )
    model.fit(texts, labels)
    log(f"fit: {time.perf_counter() - start:.3f} s on {len(texts)} examples, {len(set(labels))} classes")
    return model


def predict(model, stream, out):
    start = time.perf_counter()
    lines = stream.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    read = time.perf_counter() - start
    start = time.perf_counter()
    probabilities = model.predict_proba(lines)
    best = probabilities.argmax(axis=1)
    classes = model.classes_
    scored = time.perf_counter() - start
    start = time.perf_counter()
    out.write("".join(
        json.dumps({"confidence": round(float(probabilities[i, k]), 4), "intent": classes[k], "text": text},
                   ensure_ascii=False) + "\n"
        for i, (k, text) in enumerate(zip(best, lines))
    ))
    out.flush()
    written = time.perf_counter() - start
    log(f"predict: {len(lines)} lines, read {read:.3f} s, vectorize+score {scored:.3f} s "
        f"({scored / max(1, len(lines)) * 1e6:.1f} µs a line), write {written:.3f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["fit", "predict", "both"])
    parser.add_argument("--model", help="where fit stores the model and predict reads it")
    parser.add_argument("--intents", default=str(INTENTS))
    args = parser.parse_args()
    log(f"imports: {IMPORTS:.3f} s")
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", newline="\n", closefd=False)
    stdout = open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)
    if args.command in ("fit", "both"):
        model = fit(pathlib.Path(args.intents))
        if args.model:
            with open(args.model, "wb") as f:
                pickle.dump(model, f)
    else:
        start = time.perf_counter()
        with open(args.model, "rb") as f:
            model = pickle.load(f)
        log(f"load: {time.perf_counter() - start:.3f} s")
    if args.command in ("predict", "both"):
        predict(model, stdin, stdout)
    log(f"total: {time.perf_counter() - T0:.3f} s")


if __name__ == "__main__":
    main()
