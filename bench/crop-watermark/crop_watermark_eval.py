#!/usr/bin/env python3
"""Light crops and watermarks: how often a perceptual hash still finds the copy, at a given
false-merge rate. Real photos from ../shared/data/images-neardup (distinct photos only) get
copies cropped by 2, 4, 6 and 8 % (all sides, and one side) and copies with a watermark (a
translucent corner logo with text, a text band across the bottom); the copies are written as
JPEG (quality 90) like the web would serve them.

    /usr/bin/python3 bench/crop-watermark/crop_watermark_eval.py make SHARED_NEARDUP OUT_DIR
    /usr/bin/python3 bench/crop-watermark/crop_watermark_eval.py score OUT_DIR HASHES_A.tsv [HASHES_B.tsv ...]

`score` reads "HEX16<TAB>path" files (`mella phash` output, or imagehash's through
bench/peers/imagehash_phash.py) and prints, per file and threshold, the recall on
original↔copy pairs and the false merges among pairs of different photos (originals and
copies of different photos)."""
import json, os, sys
from PIL import Image, ImageDraw, ImageFont


def source_photos(neardup):
    truth = json.load(open(os.path.join(neardup, "ground_truth.json")))
    names = []
    for group in truth["distinct"]:
        names += [f for f in group["files"] if f.lower().endswith(".jpg") and "uniform" not in f]
    for group in truth["groups"]:
        # A group's photo comes in once: not again when a distinct list already holds one of its members.
        if not any(m in names for m in group["members"]):
            names += [m for m in group["members"][:1] if m.lower().endswith(".jpg")]
    seen, photos = set(), []
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        with Image.open(os.path.join(neardup, name)) as image:
            if min(image.size) >= 200:
                photos.append(name)
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


def make(neardup, out):
    os.makedirs(out, exist_ok=True)
    truth = []
    for index, name in enumerate(source_photos(neardup)):
        with Image.open(os.path.join(neardup, name)) as opened:
            image = opened.convert("RGB")
        stem = f"p{index:02d}"
        image.save(os.path.join(out, f"{stem}-original.jpg"), quality=95)
        variants = {}
        for percent in (2, 4, 6, 8):
            variants[f"crop{percent}"] = crop(image, percent / 100, one_side=False)
            variants[f"crop{percent}-side"] = crop(image, percent / 100, one_side=True)
        variants["watermark-corner"] = watermark(image, "corner")
        variants["watermark-band"] = watermark(image, "band")
        for kind, copy in variants.items():
            copy.save(os.path.join(out, f"{stem}-{kind}.jpg"), quality=90)
            truth.append(f"{stem}-original.jpg\t{stem}-{kind}.jpg\t{kind}\t{name}")
    with open(os.path.join(out, "truth.tsv"), "w") as file:
        file.write("\n".join(truth) + "\n")
    print(f"{len(truth)} copies of {index + 1} photos in {out}")


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


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    else:
        score(sys.argv[2], sys.argv[3:])
