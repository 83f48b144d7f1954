#!/usr/bin/env python3
"""Writes Intents/config/known-stems.txt: stems of frequent, correctly spelled Russian words.

The words are the N most frequent Russian word forms of wordfreq (its data: CC BY-SA 4.0), kept
only when the OpenCorpora dictionary (pymorphy3-dicts-ru, CC BY-SA 3.0) knows them — so common
misspellings such as «пришол» or «незнаю» are left out — normalized as the text layer does
(lower case, ё as е), at least four letters, then stemmed with the Snowball Russian stemmer (the
algorithm of Sources/HelplineText/RussianStemmer.swift); stems shorter than three letters are
dropped. A stem whose most frequent form ranks below COMMON (30,000) is rare, marked `*`. The
spelling corrector leaves words with these stems as they are — with a rare one, unless a known
word is one edit away («оплота» is read as «оплата»).

    python3 -m venv /tmp/stems-env
    /tmp/stems-env/bin/pip install wordfreq pymorphy3 pymorphy3-dicts-ru snowballstemmer
    /tmp/stems-env/bin/python scripts/build-known-stems.py 100000 30000 > Intents/config/known-stems.txt
"""
import re
import sys

import pymorphy3
import snowballstemmer
import wordfreq

count = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
common = int(sys.argv[2]) if len(sys.argv) > 2 else 30000
morph = pymorphy3.MorphAnalyzer()
stem = snowballstemmer.stemmer("russian").stemWord
russian = re.compile(r"^[а-я]+$")
stems = {}
for rank, word in enumerate(wordfreq.top_n_list("ru", count)):
    word = word.lower().replace("ё", "е")
    if len(word) < 4 or not russian.match(word) or not morph.word_is_known(word):
        continue
    s = stem(word)
    if len(s) >= 3:
        stems.setdefault(s, rank)
print(f"# Stems of the {count:,} most frequent Russian word forms (wordfreq, CC BY-SA 4.0) that the")
print("# OpenCorpora dictionary (CC BY-SA 3.0) knows; Snowball Russian stems, ё as е.")
print("# Made by scripts/build-known-stems.py: a word with one of these stems is correctly spelled;")
print(f"# `*` marks a rare one (its most frequent form ranks below {common:,}): a word one edit from a known")
print("# word is still read as that word.")
for s in sorted(stems):
    print(s + ("*" if stems[s] >= common else ""))
