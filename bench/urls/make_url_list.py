#!/usr/bin/python3
"""The URL list of the loopback-web benchmark, and the photos it points to.

  make_url_list.py PHOTOS_IN SENTENCES OUT_DIR [--urls 12000] [--hosts 8] [--port 8080]

Re-encodes every photo of PHOTOS_IN (a folder of real JPEGs, walked recursively) so that it lands
between 30 and 200 KB (a smaller copy, or another quality, until it does; a photo that cannot be
brought into the range is left out), into OUT_DIR/photos; then writes OUT_DIR/urls.tsv (`url`,
`caption`, `lang`: the column names img2dataset and `mella`'s `urls` input read by default) with
URLS rows dealt round-robin over HOSTS loopback addresses 127.0.0.1..N: 2 % ask for a photo that
does not exist (404), 1 % for a page that is not an image, the rest for one of the photos. Captions
are real sentences in the eight target languages from SENTENCES (`lang<TAB>text` lines, the shared
lingua_sentences.tsv), each used at most twice. The same rows also go, 100 a page and one
language a page, into HTML pages dealt over the hosts (OUT_DIR/pages, listed in OUT_DIR/seeds.txt),
for a `crawl` input over the same images. Deterministic: the same inputs give the same list.
"""
import html
import argparse
import io
import os
import random
import sys

from PIL import Image

LANGS = {"ar": "ar", "cs": "cs", "hu": "hu", "ko": "ko", "ru": "ru", "sr-Cyrl": "sr", "th": "th", "vi": "vi"}
LOW, HIGH = 30 * 1024, 200 * 1024


def fit(path):
    """JPEG bytes of the photo between LOW and HIGH, or None."""
    with Image.open(path) as img:
        img = img.convert("RGB")
        for side in (1600, 1280, 1024, 800, 640, 512):
            copy = img.copy()
            copy.thumbnail((side, side))
            if min(copy.size) < 100:
                continue
            for quality in (90, 85, 75, 65):
                out = io.BytesIO()
                copy.save(out, "JPEG", quality=quality)
                if LOW <= out.tell() <= HIGH:
                    return out.getvalue()
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("photos")
    ap.add_argument("sentences")
    ap.add_argument("out")
    ap.add_argument("--urls", type=int, default=12000)
    ap.add_argument("--hosts", type=int, default=8)
    ap.add_argument("--port", type=int, default=8080)
    a = ap.parse_args()

    photos_out = os.path.join(a.out, "photos")
    os.makedirs(photos_out, exist_ok=True)
    names, sizes = [], []
    for root, _, files in sorted(os.walk(a.photos)):
        for name in sorted(files):
            if not name.lower().endswith((".jpg", ".jpeg")):
                continue
            try:
                data = fit(os.path.join(root, name))
            except OSError:
                continue  # a corrupt sample photo (the set has one on purpose)
            if data is None:
                continue
            out_name = f"p{len(names):03d}.jpg"
            with open(os.path.join(photos_out, out_name), "wb") as f:
                f.write(data)
            names.append(out_name)
            sizes.append(len(data))

    captions = []
    with open(a.sentences, encoding="utf-8") as f:
        for line in f:
            lang, _, text = line.rstrip("\n").partition("\t")
            text = " ".join(text.split())
            if lang in LANGS and 20 <= len(text) <= 200:
                captions.append((LANGS[lang], text))
    rng = random.Random(16)
    rng.shuffle(captions)
    captions = (captions * 2)[: a.urls]
    if len(captions) < a.urls:
        sys.exit(f"only {len(captions)} captions for {a.urls} URLs")

    rows = []
    with open(os.path.join(a.out, "urls.tsv"), "w", encoding="utf-8") as f:
        f.write("url\tcaption\tlang\n")
        for i, (lang, text) in enumerate(captions):
            host = f"127.0.0.{1 + i % a.hosts}:{a.port}"
            if i % 50 == 7:
                path = f"img/gone-{i}.jpg"  # 2 %: 404
            elif i % 100 == 13:
                path = f"page/{i}.html"  # 1 %: not an image
            else:
                path = f"img/{names[rng.randrange(len(names))]}"
            f.write(f"http://{host}/{path}?i={i}\t{text}\t{lang}\n")
            rows.append((lang, f"http://{host}/{path}?i={i}", text))

    pages_out = os.path.join(a.out, "pages")
    os.makedirs(pages_out, exist_ok=True)
    rows.sort(key=lambda r: r[0])
    with open(os.path.join(a.out, "seeds.txt"), "w", encoding="utf-8") as seeds:
        for n in range(0, len(rows), 100):
            chunk = [r for r in rows[n : n + 100] if r[0] == rows[n][0]] + [r for r in rows[n : n + 100] if r[0] != rows[n][0]]
            imgs = "\n".join(f'<img src="{html.escape(url)}" alt="{html.escape(text)}">' for _, url, text in chunk)
            name = f"p{n // 100:04d}.html"
            with open(os.path.join(pages_out, name), "w", encoding="utf-8") as page:
                page.write(f'<!doctype html>\n<html lang="{chunk[0][0]}"><head><meta charset="utf-8"><title>{name}</title></head><body>\n{imgs}\n</body></html>\n')
            # Pages dealt over the hosts too: a crawl keeps each host's pages in one task.
            seeds.write(f"http://127.0.0.{1 + (n // 100) % a.hosts}:{a.port}/pages/{name}\n")
    print(f"photos={len(names)} photo_kb_min={min(sizes) // 1024} photo_kb_median={sorted(sizes)[len(sizes) // 2] // 1024} "
          f"photo_kb_max={max(sizes) // 1024} urls={a.urls} hosts={a.hosts}")


if __name__ == "__main__":
    main()
