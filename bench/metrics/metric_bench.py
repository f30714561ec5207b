"""Per-language scores and pairs/s of mella's metrics beside sacreBLEU and NLTK on the same pairs.

Usage (from bench/run-metric-benchmarks): python3 metric_bench.py MELLA_CMD WORK_DIR [PAIRS]
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


def mella(cmd, hyp, ref, lang, metric, *extra):
    start = time.perf_counter()
    out = subprocess.run(cmd + ["score", "--hyp", hyp, "--ref", ref, "--lang", lang, "--metric", metric, "--json", *extra],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["score"], time.perf_counter() - start


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
    rows = []
    for lang in POOLS:
        hyps, refs = pairs(lang, count, rng)
        hyp_file, ref_file = f"{work}/{lang}.hyp", f"{work}/{lang}.ref"
        open(hyp_file, "w").write("\n".join(hyps) + "\n")
        open(ref_file, "w").write("\n".join(refs) + "\n")

        start = time.perf_counter()
        sb = sacrebleu.corpus_bleu(hyps, [refs]).score
        sb_s = time.perf_counter() - start
        ours_13a, ours_13a_s = mella(cmd, hyp_file, ref_file, lang, "bleu", "--tokenize", "13a")
        ours_bleu, _ = mella(cmd, hyp_file, ref_file, lang, "bleu")

        # NLTK METEOR on the same words mella uses (its own tokenizer's output), exact matching, no WordNet.
        tok = [re.findall(r"[^\W_]+", h.lower()) for h in hyps], [re.findall(r"[^\W_]+", r.lower()) for r in refs]
        start = time.perf_counter()
        nl = sum(nltk_meteor.single_meteor_score(r, h, stemmer=Identity(), wordnet=NoWordNet()) for h, r in zip(*tok)) / count * 100
        nl_s = time.perf_counter() - start
        ours_meteor, ours_meteor_s = mella(cmd, hyp_file, ref_file, lang, "meteor", "--matching", "exact")

        rouge_default = sum(lcs_f(rouge_score_default_tokens(r), rouge_score_default_tokens(h)) for h, r in zip(hyps, refs)) / count * 100
        ours_rouge, ours_rouge_s = mella(cmd, hyp_file, ref_file, lang, "rougeL")
        ours_kw, _ = mella(cmd, hyp_file, ref_file, lang, "keyword")
        rows.append((lang, sb, ours_13a, ours_bleu, count / sb_s, count / ours_13a_s, nl, ours_meteor, count / nl_s, count / ours_meteor_s,
                     rouge_default, ours_rouge, count / ours_rouge_s, ours_kw))
        print(f"{lang}: done", file=sys.stderr)

    print(f"| lang | sacreBLEU 13a | mella 13a | mella default tok | sacreBLEU pairs/s | mella pairs/s | NLTK METEOR (exact) | mella METEOR (exact) | NLTK pairs/s | mella pairs/s | ROUGE-L, rouge-score default tokenizer* | mella ROUGE-L | mella pairs/s | mella keyword |")
    print("| --- | " + " | ".join(["---"] * 14) + " |")
    for r in rows:
        print("| " + " | ".join([r[0]] + [f"{x:.2f}" if i in (0, 1, 2, 5, 6, 9, 10, 12) else f"{x:,.0f}" for i, x in enumerate(r[1:])]) + " |")


main()
