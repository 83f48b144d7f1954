#!/usr/bin/env python3
"""Writes the input for timing `helpline classify` in batch: LINES messages, one a line, made from
the held-out test sets' lines (Tests/HelplineIntentsTests/Data/*.tsv) with variations, so the
timing reads text like the chat's and nothing public:

- short: the first one to three words of a line;
- as written: a line unchanged;
- long: three to six lines joined into one story, with an order number or a sum now and then;
- noisy: a line typed in the Latin keyboard layout, in translit, in capitals, with a letter
  dropped or doubled, stretched letters («оооочень»), punctuation runs, emoji, stray spaces.

The same seed always gives the same file.

  python3 scripts/make-classify-input.py > /tmp/classify-50k.txt            # 50,000 lines
  python3 scripts/make-classify-input.py --lines 20000 --seed 2 > /tmp/in.txt
"""
import argparse
import pathlib
import random

DATA = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "HelplineIntentsTests" / "Data"

LAYOUT = dict(zip("йцукенгшщзхъфывапролджэячсмитьбюё", "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"))
TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}
EMOJI = ["🙏", "😡", "🤔", "👍", "😭", "🔥"]


def lines():
    out = []
    for name in ("testset.tsv", "realset.tsv"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "\t" in line:
                out.append(line.split("\t", 1)[1].strip())
    return out


def typo(rng, text):
    words = text.split()
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1:] if rng.random() < 0.5 else w[:j] + w[j] + w[j:]
    return " ".join(words)


def noisy(rng, text):
    kind = rng.randrange(7)
    low = text.lower()
    if kind == 0:
        return "".join(LAYOUT.get(c, c) for c in low)
    if kind == 1:
        return "".join(TRANSLIT.get(c, c) for c in low)
    if kind == 2:
        return text.upper() + "!!!"
    if kind == 3:
        return typo(rng, text)
    if kind == 4:
        words = low.split()
        i = rng.randrange(len(words))
        w = words[i]
        vowels = [k for k, c in enumerate(w) if c in "аеиоуыэюя"]
        if vowels:
            k = rng.choice(vowels)
            words[i] = w[:k] + w[k] * rng.randint(3, 6) + w[k + 1:]
        return " ".join(words) + rng.choice(["???", "!!!", "...", " ?!"])
    if kind == 5:
        return rng.choice(EMOJI) + " " + text + " " + rng.choice(EMOJI)
    return "  " + "   ".join(text.split()) + " \t"


def story(rng, pool):
    parts = [rng.choice(pool) for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.4:
        parts.insert(rng.randrange(len(parts)), f"заказ {rng.randrange(10**7, 10**8)}-{rng.randrange(1, 10**4):04d}")
    if rng.random() < 0.2:
        parts.append(f"списали {rng.randrange(100, 99999)} ₽")
    return ". ".join(p.rstrip(".?!") for p in parts) + "."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = lines()
    out = []
    for _ in range(args.lines):
        roll = rng.random()
        base = rng.choice(pool)
        if roll < 0.25:
            out.append(" ".join(base.split()[: rng.randint(1, 3)]))
        elif roll < 0.55:
            out.append(base)
        elif roll < 0.70:
            out.append(story(rng, pool))
        else:
            out.append(noisy(rng, base))
    print("\n".join(out))


if __name__ == "__main__":
    main()
