"""Whole `mella score` against whole sacreBLEU and NLTK commands, on the same files in the same run.

Usage (from bench/run-metric-benchmarks): python3 metric_bench.py MELLA_CMD WORK_DIR [PAIRS] [RUNS]
Per language, PAIRS realistic perturbed caption pairs are written to WORK_DIR; then, RUNS times each, alternating:
  sacreBLEU: python3 -m sacrebleu REF -i HYP -b -w 2            (BLEU, 13a)
  mella:     mella score --hyp HYP --ref REF --lang L --metric bleu --tokenize 13a
  NLTK:      python3 nltk_meteor.py HYP REF                      (meteor_score, str.split words, no stemmer, no WordNet)
  mella:     mella score ... --metric meteor --tokenize none --lowercase --matching exact
Wall-clock seconds of each whole process (start-up, reading, tokenizing, scoring, printing), medians.
sacreBLEU's source is fetched (never committed) and put on PYTHONPATH; NLTK is Debian's python3-nltk.
"""
import os, random, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))

POOLS = {
    "ar": ["طبق الكسكس المغربي التقليدي", "مع الخضار الطازجة", "في سوق المدينة القديمة", "عند غروب الشمس", "على طاولة خشبية", "بجانب إبريق شاي بالنعناع"],
    "cs": ["Pražský orloj na Staroměstském náměstí", "v ranní mlze", "s houskovým knedlíkem", "na břehu Vltavy", "během vánočních trhů", "pod zasněženými střechami"],
    "hu": ["Gulyásleves bográcsban", "a Balaton partján", "a budapesti Országház előtt", "esti kivilágításban", "friss tejföllel", "a nyári fesztivál idején"],
    "ko": ["경복궁 근정전 앞에서", "한복을 입은 관광객들이", "김치찌개와 공깃밥", "부산 해운대 해수욕장의", "여름 풍경을 담은 사진", "전통 시장의 활기찬 모습"],
    "ru": ["Храм Василия Блаженного", "на Красной площади", "пельмени со сметаной", "в глиняной миске", "зимний лес после снегопада", "набережная Невы белой ночью"],
    "sr": ["Манастир Студеница", "у долини Ибра", "ћевапи са кајмаком", "на старој калдрми", "Београдска тврђава Калемегдан", "у сумрак над Дунавом"],
    "th": ["วัดอรุณราชวรารามยามพระอาทิตย์ตก", "ต้มยำกุ้งน้ำข้น", "ในชามดินเผา", "ตลาดน้ำดำเนินสะดวก", "ในตอนเช้าตรู่", "ริมแม่น้ำเจ้าพระยา"],
    "vi": ["Phở bò Hà Nội", "với hành lá và rau thơm", "Vịnh Hạ Long nhìn từ trên cao", "áo dài truyền thống", "trong ngày Tết Nguyên Đán", "bên hồ Hoàn Kiếm"],
}


def pairs(lang, count, rng):
    """A reference of 3-5 phrases; the hypothesis drops one, swaps two and repeats the rest: a partly right caption."""
    joiner = "" if lang == "th" else " "
    refs, hyps = [], []
    for _ in range(count):
        parts = rng.sample(POOLS[lang], rng.randint(3, 5))
        hyp = parts[:]
        del hyp[rng.randrange(len(hyp))]
        if len(hyp) > 2:
            i = rng.randrange(len(hyp) - 1)
            hyp[i], hyp[i + 1] = hyp[i + 1], hyp[i]
        refs.append(joiner.join(parts))
        hyps.append(joiner.join(hyp))
    return hyps, refs


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, float(out.split()[-1])


def main():
    mella = sys.argv[1].split()
    work = sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    rng = random.Random(7)
    rows = []
    for lang in POOLS:
        hyps, refs = pairs(lang, count, rng)
        hyp, ref = f"{work}/{lang}.hyp", f"{work}/{lang}.ref"
        open(hyp, "w", encoding="utf-8").write("\n".join(hyps) + "\n")
        open(ref, "w", encoding="utf-8").write("\n".join(refs) + "\n")
        commands = {
            "sacrebleu": [sys.executable, "-m", "sacrebleu", ref, "-i", hyp, "-b", "-w", "2"],
            "mella_bleu": mella + ["score", "--hyp", hyp, "--ref", ref, "--lang", lang, "--metric", "bleu", "--tokenize", "13a"],
            "nltk": [sys.executable, os.path.join(HERE, "nltk_meteor.py"), hyp, ref],
            "mella_meteor": mella + ["score", "--hyp", hyp, "--ref", ref, "--lang", lang, "--metric", "meteor", "--tokenize", "none", "--lowercase",
                                     "--matching", "exact", "--width", "4"],
        }
        seconds = {name: [] for name in commands}
        scores = {}
        for _ in range(runs):
            for name, cmd in commands.items():
                elapsed, scores[name] = timed(cmd)
                seconds[name].append(elapsed)
        rows.append((lang, scores, {name: statistics.median(values) for name, values in seconds.items()}))
        print(f"{lang}: done", file=sys.stderr)

    print(f"{count:,} pairs per language, median of {runs} runs, wall-clock seconds of whole commands")
    print()
    print("| lang | sacreBLEU 13a | mella 13a | sacreBLEU s | mella s | ratio | NLTK METEOR | mella METEOR | NLTK s | mella s | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for lang, score, median in rows:
        print(f"| {lang} | {score['sacrebleu']:.2f} | {score['mella_bleu']:.2f} | {median['sacrebleu']:.2f} | {median['mella_bleu']:.2f} "
              f"| {median['sacrebleu'] / median['mella_bleu']:.1f}x | {score['nltk']:.4f} | {score['mella_meteor']:.4f} | {median['nltk']:.2f} "
              f"| {median['mella_meteor']:.2f} | {median['nltk'] / median['mella_meteor']:.1f}x |")


if __name__ == "__main__":
    main()
