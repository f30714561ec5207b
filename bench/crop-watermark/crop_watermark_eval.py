#!/usr/bin/env python3
"""Light crops and watermarks: how often near-duplicate clustering still finds the copy, and how
many pairs of different photos it merges. Real photos (a folder of bench/photos/real_photos.py
output, one file per source: tune on `--half tune`, report `--half held-out`) get copies cropped by
2, 4, 6 and 8 % (all sides, and one side), copies with a watermark (a translucent corner logo with
text, a text band across the bottom), written as JPEG (quality 90) like the web would serve them,
and the easy copies (half size, JPEG q30, brightness +20 %, grayscale, PNG).

    /usr/bin/python3 bench/crop-watermark/crop_watermark_eval.py make PHOTOS_DIR OUT_DIR
    /usr/bin/python3 bench/crop-watermark/crop_watermark_eval.py score-clusters OUT_DIR CLUSTERS_A.jsonl [CLUSTERS_B.jsonl ...]
    /usr/bin/python3 bench/crop-watermark/crop_watermark_eval.py score OUT_DIR HASHES_A.tsv [HASHES_B.tsv ...]

`score-clusters` reads `mella dedup` listings (`--images OUT_DIR`, or `--hashes` over any hash
file) and prints the share of copies in their original's cluster, per kind, and the pairs of files
of different photos that share a cluster. `score` reads "HEX16<TAB>path" files (`mella phash`
output, or imagehash's through bench/peers/imagehash_phash.py) and prints, per threshold, the
recall on original-copy pairs and the false merges among pairs of different photos, pair by pair
(no clustering)."""
import json, os, sys
import numpy, scipy.fftpack
from PIL import Image, ImageDraw, ImageEnhance, ImageFont


def rough_phash(image):
    """imagehash's pHash (grayscale, 32x32, DCT, 8x8 against the median), only to tell sources apart."""
    pixels = numpy.asarray(image.convert("L").resize((32, 32), Image.LANCZOS), dtype=float)
    low = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)[:8, :8]
    return int("".join("1" if v else "0" for v in (low > numpy.median(low)).flatten()), 2)


def source_photos(folder):
    """Every JPEG of FOLDER (bench/photos/real_photos.py output, one file per source) at least 200 px
    a side, in name order, except a single-colour one and a source within 16 bits of an earlier one: the wallpaper packages
    ship some pictures twice (a screenshot of a wallpaper, light and dark variants of one pattern),
    and two copies of one picture are no pair of different photos."""
    photos, hashes = [], []
    for name in sorted(os.listdir(folder)):
        if not name.lower().endswith((".jpg", ".jpeg")):
            continue
        with Image.open(os.path.join(folder, name)) as image:
            if min(image.size) < 200:
                continue
            hash = rough_phash(image)
        # A single-colour picture is no photo (load_images drops it: image_uniform); a mark on it is all its "copy" shows.
        if hash != 1 << 63 and all(bin(hash ^ other).count("1") > 16 for other in hashes):
            photos.append(name)
            hashes.append(hash)
    return photos


def crop(image, fraction, one_side):
    w, h = image.size
    if one_side:
        return image.crop((int(w * fraction), 0, w, h))
    dx, dy = int(w * fraction / 2), int(h * fraction / 2)
    return image.crop((dx, dy, w - dx, h - dy))


def watermark(image, kind):
    base = image.convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    w, h = base.size
    font = ImageFont.load_default()
    if kind == "corner":
        box = (int(w * 0.70), int(h * 0.85), int(w * 0.97), int(h * 0.96))
        draw.rectangle(box, fill=(255, 255, 255, 140))
        draw.text((box[0] + 6, box[1] + 4), "(c) 2026 photos.example", fill=(0, 0, 0, 220), font=font)
    else:
        draw.rectangle((0, int(h * 0.88), w, h), fill=(0, 0, 0, 120))
        for x in range(4, w, 140):
            draw.text((x, int(h * 0.90)), "example.com", fill=(255, 255, 255, 200), font=font)
    return Image.alpha_composite(base, layer).convert("RGB")


def easy_copies(image):
    """The copies a perceptual hash must always find: they keep every pixel's place."""
    w, h = image.size
    return {
        "easy-resize": (image.resize((max(1, w // 2), max(1, h // 2)), Image.LANCZOS), "jpg"),
        "easy-jpeg30": (image, "q30"),
        "easy-brightness": (ImageEnhance.Brightness(image).enhance(1.2), "jpg"),
        "easy-grayscale": (image.convert("L").convert("RGB"), "jpg"),
        "easy-png": (image, "png"),
    }


def make(photos_dir, out):
    os.makedirs(out, exist_ok=True)
    truth = []
    for index, name in enumerate(source_photos(photos_dir)):
        with Image.open(os.path.join(photos_dir, name)) as opened:
            image = opened.convert("RGB")
        stem = f"p{index:03d}"
        image.save(os.path.join(out, f"{stem}-original.jpg"), quality=95)
        variants = {kind: (copy, "jpg") for kind, copy in hard_copies(image).items()}
        variants.update(easy_copies(image))
        for kind, (copy, how) in variants.items():
            file = f"{stem}-{kind}.{'png' if how == 'png' else 'jpg'}"
            if how == "png":
                copy.save(os.path.join(out, file))
            else:
                copy.save(os.path.join(out, file), quality=30 if how == "q30" else 90)
            truth.append(f"{stem}-original.jpg\t{file}\t{kind}\t{name}")
    with open(os.path.join(out, "truth.tsv"), "w") as file:
        file.write("\n".join(truth) + "\n")
    print(f"{len(truth)} copies of {index + 1} photos in {out}")


def hard_copies(image):
    variants = {}
    for percent in (2, 4, 6, 8):
        variants[f"crop{percent}"] = crop(image, percent / 100, one_side=False)
        variants[f"crop{percent}-side"] = crop(image, percent / 100, one_side=True)
    variants["watermark-corner"] = watermark(image, "corner")
    variants["watermark-band"] = watermark(image, "band")
    return variants


def read_hashes(path, folder):
    hashes = {}
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 2 and len(parts[0]) == 16:
            hashes[os.path.basename(parts[1])] = int(parts[0], 16)
    return hashes


def score(folder, hash_files):
    truth = [line.split("\t") for line in open(os.path.join(folder, "truth.tsv")).read().splitlines()]
    photo = lambda f: f.split("-")[0]
    for hash_file in hash_files:
        hashes = read_hashes(hash_file, folder)
        names = sorted(hashes)
        negatives = [bin(hashes[a] ^ hashes[b]).count("1") for i, a in enumerate(names) for b in names[i + 1:] if photo(a) != photo(b)]
        positives = [(kind, bin(hashes[o] ^ hashes[c]).count("1")) for o, c, kind, _ in truth if o in hashes and c in hashes]
        print(f"{hash_file}: {len(positives)} original-copy pairs, {len(negatives)} pairs of different photos")
        print("threshold  recall  crops  watermarks  false_merges  false_merge_rate")
        for t in range(0, 21):
            found = sum(d <= t for _, d in positives)
            crops = [d for k, d in positives if k.startswith("crop")]
            marks = [d for k, d in positives if k.startswith("watermark")]
            wrong = sum(d <= t for d in negatives)
            print(f"{t:9}  {found / len(positives):6.1%}  {sum(d <= t for d in crops) / len(crops):5.1%}  {sum(d <= t for d in marks) / len(marks):10.1%}"
                  f"  {wrong:12}  {wrong / len(negatives):16.3%}")


def score_clusters(folder, listings):
    """Scores `mella dedup --images FOLDER` listings: a copy is found when it shares its original's
    cluster; a false merge is a pair of files of different photos in one cluster."""
    truth = [line.split("\t") for line in open(os.path.join(folder, "truth.tsv")).read().splitlines()]
    photo = lambda f: f.split("-")[0]
    for listing in listings:
        cluster = {}
        for line in open(listing):
            row = json.loads(line)
            cluster[os.path.basename(row.get("path") or row["id"])] = row["cluster"]
        members = {}
        for name, c in cluster.items():
            members.setdefault(c, []).append(name)
        wrong = sum(1 for names in members.values() for i, a in enumerate(names) for b in names[i + 1:] if photo(a) != photo(b))
        kinds = {}
        for original, copy, kind, _ in truth:
            kinds.setdefault(kind, []).append(cluster.get(original) is not None and cluster.get(original) == cluster.get(copy))
        group = lambda test: [found for kind, founds in kinds.items() if test(kind) for found in founds]
        print(f"{listing}: {len(cluster)} files in {len(members)} clusters")
        print("kind                found")
        for kind in sorted(kinds):
            print(f"{kind:18}  {sum(kinds[kind]):3}/{len(kinds[kind])}  {sum(kinds[kind]) / len(kinds[kind]):6.1%}")
        hard, easy = group(lambda k: not k.startswith("easy")), group(lambda k: k.startswith("easy"))
        print(f"crops and watermarks: {sum(hard)}/{len(hard)} ({sum(hard) / len(hard):.1%}); easy copies: {sum(easy)}/{len(easy)} ({sum(easy) / len(easy):.1%}); "
              f"pairs of different photos in one cluster: {wrong}")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "score-clusters":
        score_clusters(sys.argv[2], sys.argv[3:])
    else:
        score(sys.argv[2], sys.argv[3:])
