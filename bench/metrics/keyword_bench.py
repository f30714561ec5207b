"""Keyword Accuracy of two `mella` builds, whole command against whole command, on the same files in the same run.

Usage: python3 keyword_bench.py "BEFORE_MELLA_CMD" "AFTER_MELLA_CMD" WORK_DIR [PAIRS] [RUNS]
Per language (the three whose keywords match by stem too, Serbian as a control), PAIRS perturbed caption pairs
(metric_bench.py's) are written to WORK_DIR; then, RUNS times, alternating:
  mella score --hyp HYP --ref REF --lang L --metric keyword
with each build. Wall-clock seconds of each whole process, medians, and the ratio after / before.
"""
import os, random, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metric_bench import pairs, timed  # noqa: E402


def main(args):
    before, after, work = args[0].split(), args[1].split(), args[2]
    count = int(args[3]) if len(args) > 3 else 100000
    runs = int(args[4]) if len(args) > 4 else 3
    rng = random.Random(7)
    print(f"{count:,} pairs per language, median of {runs} runs, wall-clock seconds of whole commands")
    print()
    print("| lang | keyword before | keyword after | before s | after s | after / before |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for lang in ["cs", "hu", "ru", "sr"]:
        hyps, refs = pairs(lang, count, rng)
        hyp, ref = f"{work}/{lang}.hyp", f"{work}/{lang}.ref"
        open(hyp, "w", encoding="utf-8").write("\n".join(hyps) + "\n")
        open(ref, "w", encoding="utf-8").write("\n".join(refs) + "\n")
        seconds = {"before": [], "after": []}
        scores = {}
        for _ in range(runs):
            for name, mella in (("before", before), ("after", after)):
                elapsed, scores[name] = timed(mella + ["score", "--hyp", hyp, "--ref", ref, "--lang", lang, "--metric", "keyword"])
                seconds[name].append(elapsed)
        b, a = statistics.median(seconds["before"]), statistics.median(seconds["after"])
        print(f"| {lang} | {scores['before']:.2f} | {scores['after']:.2f} | {b:.2f} | {a:.2f} | {a / b:.2f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
