"""NLTK 3.8's METEOR over line-aligned files as a whole command: python3 nltk_meteor.py HYP REF
Words are str.split() tokens (lower-cased by meteor_score's default str.lower); exact matching only: a stemmer that
keeps every word and a WordNet without synonyms. Prints the mean per-line score x 100 with 4 decimals."""
import sys, types

from nltk.translate.meteor_score import meteor_score

IDENTITY = types.SimpleNamespace(stem=lambda word: word)
NO_WORDNET = types.SimpleNamespace(synsets=lambda word: [])

with open(sys.argv[1], encoding="utf-8") as h, open(sys.argv[2], encoding="utf-8") as r:
    hyps, refs = h.read().removesuffix("\n").split("\n"), r.read().removesuffix("\n").split("\n")  # lines as mella cuts them: at \n only
total = sum(meteor_score([ref.split()], hyp.split(), stemmer=IDENTITY, wordnet=NO_WORDNET) for hyp, ref in zip(hyps, refs))
print(f"{100 * total / len(hyps):.4f}")
