#!/usr/bin/env python3
"""Builds Intents/config/lemmas.json: the word forms whose dictionary lemma has another Snowball
stem than the form itself («пришёл» → «прийти», «людей» → «человек»), for the words the intents use
and every form of their lemmas.

Source: the OpenCorpora dictionary as packaged for pymorphy3 (PyPI: pymorphy3, pymorphy3-dicts-ru).
  pip install pymorphy3 pymorphy3-dicts-ru snowballstemmer PyYAML
  python3 scripts/build-lemmas.py            # run from the project folder
"""
import glob
import json
import re

import pymorphy3
import snowballstemmer
import yaml

WORD = re.compile(r"[а-яё]+")


def texts(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("examples", "keywords", "names", "terms"):
                yield from texts(value)
            elif isinstance(value, (list, dict)):
                yield from texts(value)


def main():
    words = set()
    for path in glob.glob("Intents/*.yaml") + ["Intents/config/offtopic.yaml", "Intents/config/vocabulary.yaml"]:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
        for text in texts(data):
            words.update(WORD.findall(text.lower().replace("ё", "е")))

    morph = pymorphy3.MorphAnalyzer()
    stem = snowballstemmer.stemmer("russian").stemWord
    table = {}
    lemmas = set()
    for word in sorted(words):
        parse = morph.parse(word)[0]
        if parse.score < 0.3 or not parse.is_known:
            continue
        lemmas.add(parse.normal_form.replace("ё", "е"))
        for form in parse.lexeme:
            lemma = parse.normal_form.replace("ё", "е")
            text = form.word.replace("ё", "е")
            if stem(text) != stem(lemma) and len(text) >= 2:
                table.setdefault(text, lemma)
    with open("Intents/config/lemmas.json", "w", encoding="utf-8") as f:
        json.dump({"source": "OpenCorpora (CC BY-SA 3.0) via pymorphy3-dicts-ru; scripts/build-lemmas.py",
                   "forms": dict(sorted(table.items()))}, f, ensure_ascii=False, indent=0, sort_keys=False)
    print(f"{len(words)} words, {len(lemmas)} lemmas, {len(table)} forms whose lemma has another stem")


if __name__ == "__main__":
    main()
