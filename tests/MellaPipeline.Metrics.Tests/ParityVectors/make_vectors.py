"""Writes whitespace_mode.json: per-sentence METEOR (NLTK 3.8) and ROUGE-L (rouge-score) and corpus BLEU (sacreBLEU 2.x)
on real sentences of the eight languages with realistic perturbations, for the parity tests.

Run with Debian's /usr/bin/python3: NLTK is Debian's python3-nltk (3.8); sacreBLEU and rouge-score are run from their
public sources (fetched, never committed): PYTHONPATH=SACREBLEU_SRC:ROUGE_SRC (folders holding sacrebleu/ and rouge/).
  python3 make_vectors.py ../shared/data OUT.json
"""
import json, random, sys, types

import nltk
import sacrebleu
from nltk.translate.meteor_score import meteor_score
from rouge import rouge_scorer

LANGS = ["ar", "cs", "hu", "ko", "ru", "sr", "th", "vi"]
PER_SOURCE = 24
# Python's whitespace beyond the ASCII space (str.split cuts at each), and U+200B, which it does not cut at.
ODD_SPACES = ["\u00a0", "\u3000", "\u2009", "\u202f", "\x1c", "\x1f", "\x85", "\t", "  "]
CASE_WORDS = ["İstanbul", "ΟΔΟΣ", "Straße", "ǅemal"]


# NLTK's exact mode: a stemmer that keeps every word, a WordNet without synonyms.
IDENTITY = types.SimpleNamespace(stem=lambda word: word)
NO_WORDNET = types.SimpleNamespace(synsets=lambda word: [])


class LowerWhitespace:
    """rouge-score's tokenizer interface: lower case (str.lower), then str.split()."""

    def tokenize(self, text):
        return text.lower().split()


def sentences(data, lang, rng):
    rows = []
    for name in ("lingua_sentences.tsv", "tatoeba_laser_v1.tsv"):
        labels = {"sr": ("sr-Cyrl", "sr-Latn")}.get(lang, (lang,))
        found = []
        with open(f"{data}/langid/{name}", encoding="utf-8") as f:
            for line in f:
                label, _, text = line.rstrip("\n").partition("\t")
                if label in labels and 3 <= len(text.split()) <= 40:
                    found.append(text)
        rows += rng.sample(found, min(PER_SOURCE, len(found)))
    return rows


def perturb(words, pool, rng):
    """One realistic edit of a caption: words dropped, swapped, repeated or replaced, case changed, odd spacing."""
    words = words[:]
    kind = rng.choice(["drop", "swap", "repeat", "replace", "case", "spaces", "zwsp", "merge", "casewords", "mixed"])
    if kind in ("drop", "mixed") and len(words) > 1:
        del words[rng.randrange(len(words))]
    if kind in ("swap", "mixed") and len(words) > 1:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    if kind == "repeat":
        i = rng.randrange(len(words))
        words.insert(i, words[i])
    if kind in ("replace", "mixed"):
        words[rng.randrange(len(words))] = rng.choice(pool)
    if kind == "case":
        i = rng.randrange(len(words))
        words[i] = words[i].upper() if rng.random() < 0.5 else words[i].capitalize()
    if kind == "merge" and len(words) > 1:
        i = rng.randrange(len(words) - 1)
        words[i:i + 2] = [words[i] + words[i + 1]]
    if kind == "zwsp":
        i = rng.randrange(len(words))
        words[i] = words[i][:1] + "\u200b" + words[i][1:]
    if kind == "casewords":
        words.insert(rng.randrange(len(words) + 1), rng.choice(CASE_WORDS))
    text = " ".join(words)
    if kind == "spaces":
        text = "".join(c if c != " " or rng.random() < 0.5 else rng.choice(ODD_SPACES) for c in text) + rng.choice(["", " ", "\u3000"])
    return text


def corpus(lang, hyps, refs):
    bleu = {}
    for tokenize, lowercase in (("none", False), ("none", True), ("13a", False), ("intl", False), ("char", False), ("char", True)):
        bleu[tokenize + ("+lc" if lowercase else "")] = sacrebleu.corpus_bleu(hyps, [refs], tokenize=tokenize, lowercase=lowercase).score
    return {"lang": lang, "hypotheses": hyps, "references": refs, "bleu": bleu}


def main():
    data, out = sys.argv[1], sys.argv[2]
    rng = random.Random(18)
    rouge = rouge_scorer.RougeScorer(["rougeL"], tokenizer=LowerWhitespace())
    cases, corpora = [], []
    for lang in LANGS:
        refs = sentences(data, lang, rng)
        pool = [w for r in refs for w in r.split()]
        hyps, streams = [], []
        for ref in refs:
            words = ref.split()
            hyp = perturb(words, pool, rng)
            references = [ref] if rng.random() < 0.7 else [ref, perturb(words, pool, rng)]
            meteor = meteor_score([r.split() for r in references], hyp.split(), stemmer=IDENTITY, wordnet=NO_WORDNET)
            rouge_l = max(rouge.score(r, hyp)["rougeL"].fmeasure for r in references)
            cases.append({"lang": lang, "hypothesis": hyp, "references": references, "meteor": meteor, "rougeL": rouge_l})
            hyps.append(hyp)
            streams.append(ref)
        corpora.append(corpus(lang, hyps, streams))
        if lang == "sr":
            # Serbian Cyrillic alone (the Lingua rows): char-BLEU there is where folding to Latin used to differ.
            corpora.append(corpus("sr", hyps[:PER_SOURCE], streams[:PER_SOURCE]))
    document = {
        "about": "Reference values: NLTK meteor_score (identity stemmer, no WordNet, default str.lower) and rouge-score RougeScorer(['rougeL'], "
                 "tokenizer: str.lower then str.split), best over the references, per sentence; sacreBLEU corpus_bleu per language and tokenizer (+lc: lowercase=True). Sentences: "
                 "../shared/data/langid (lingua_sentences, tatoeba_laser_v1), seeded perturbations. Written by make_vectors.py.",
        "versions": {"nltk": nltk.__version__, "sacrebleu": sacrebleu.__version__, "rouge_score": "google-research rouge/rouge_scorer.py @ 61ce9f0"},
        "cases": cases,
        "corpora": corpora,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(cases)} sentence cases, {len(corpora)} corpora", file=sys.stderr)


main()
