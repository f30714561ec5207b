"""Per-language scores and pairs/s of mella's metrics beside sacreBLEU and NLTK on the same pairs.

Usage (from bench/run-metric-benchmarks): python3 metric_bench.py BENCH_CMD WORK_DIR [PAIRS]
BENCH_CMD runs `MellaPipeline.Bench metric-speed` (mella's metrics in-process, one thread, tokenization
included); the peers are timed here on the same files, their tokenization included too.
sacrebleu must be importable (its source is fetched, never committed); NLTK is Debian's python3-nltk.
"""
import json, random, re, subprocess, sys, time

import sacrebleu
from nltk.translate import meteor_score as nltk_meteor

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


class Identity:
    def stem(self, word):
        return word


class NoWordNet:
    def synsets(self, word):
        return []


def rouge_score_default_tokens(text):
    return [t for t in re.split(r"[^a-z0-9]+", text.lower()) if t]


def lcs_f(ref, hyp):
    if not ref or not hyp:
        return 0.0
    table = [[0] * (len(hyp) + 1) for _ in range(len(ref) + 1)]
    for i in range(1, len(ref) + 1):
        for j in range(1, len(hyp) + 1):
            table[i][j] = table[i - 1][j - 1] + 1 if ref[i - 1] == hyp[j - 1] else max(table[i - 1][j], table[i][j - 1])
    lcs = table[-1][-1]
    p, r = lcs / len(hyp), lcs / len(ref)
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def main():
    cmd = sys.argv[1].split()
    work = sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    rng = random.Random(7)
    peers = {}
    for lang in POOLS:
        hyps, refs = pairs(lang, count, rng)
        open(f"{work}/{lang}.hyp", "w").write("\n".join(hyps) + "\n")
        open(f"{work}/{lang}.ref", "w").write("\n".join(refs) + "\n")

        start = time.perf_counter()
        sb = sacrebleu.corpus_bleu(hyps, [refs]).score
        sb_s = time.perf_counter() - start

        # NLTK METEOR on the words mella uses (runs of letters and digits, lower case), exact matching, no WordNet;
        # the tokenization is timed with it, as mella's is.
        start = time.perf_counter()
        total = 0.0
        for h, r in zip(hyps, refs):
            total += nltk_meteor.single_meteor_score(re.findall(r"[^\W_]+", r.lower()), re.findall(r"[^\W_]+", h.lower()), stemmer=Identity(), wordnet=NoWordNet())
        nl = total / count * 100
        nl_s = time.perf_counter() - start

        rouge_default = sum(lcs_f(rouge_score_default_tokens(r), rouge_score_default_tokens(h)) for h, r in zip(hyps, refs)) / count * 100
        peers[lang] = (sb, count / sb_s, nl, count / nl_s, rouge_default)
        print(f"{lang}: peers done", file=sys.stderr)

    ours = {}
    for threads in (1, 2):
        out = subprocess.run(cmd + ["metric-speed", "--dir", work, "--rounds", "3", "--matching", "exact", "--threads", str(threads)],
                             check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            o = json.loads(line)
            ours[(o["lang"], o["metric"], threads)] = (o["score"], o["pairs_per_second"])

    print("| lang | sacreBLEU 13a | mella 13a | mella default tok | sacreBLEU pairs/s | mella 13a pairs/s, 1 / 2 threads | ratio, 1 / 2 threads "
          "| NLTK METEOR | mella METEOR | NLTK pairs/s | mella pairs/s, 1 / 2 threads | ratio, 1 / 2 threads "
          "| ROUGE-L, rouge-score tokenizer* | mella ROUGE-L | mella keyword | mella ROUGE-L / keyword pairs/s, 1 thread |")
    print("| --- | " + " | ".join(["---"] * 14) + " |")
    for lang, (sb, sb_rate, nl, nl_rate, rouge_default) in peers.items():
        b13, b1 = ours[(lang, "bleu-13a", 1)]
        _, b2 = ours[(lang, "bleu-13a", 2)]
        b, _ = ours[(lang, "bleu", 1)]
        m, m1 = ours[(lang, "meteor", 1)]
        _, m2 = ours[(lang, "meteor", 2)]
        r, r1 = ours[(lang, "rougeL", 1)]
        k, k1 = ours[(lang, "keyword", 1)]
        cells = [f"{sb:.2f}", f"{b13:.2f}", f"{b:.2f}", f"{sb_rate:,.0f}", f"{b1:,.0f} / {b2:,.0f}", f"{b1 / sb_rate:.1f}x / {b2 / sb_rate:.1f}x",
                 f"{nl:.2f}", f"{m:.2f}", f"{nl_rate:,.0f}", f"{m1:,.0f} / {m2:,.0f}", f"{m1 / nl_rate:.1f}x / {m2 / nl_rate:.1f}x",
                 f"{rouge_default:.2f}", f"{r:.2f}", f"{k:.2f}", f"{r1:,.0f} / {k1:,.0f}"]
        print(f"| {lang} | " + " | ".join(cells) + " |")


main()
