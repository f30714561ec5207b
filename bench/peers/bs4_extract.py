#!/usr/bin/env python3
"""The peer for the extraction throughput benchmark: a simple alt-text extractor on BeautifulSoup
with the lxml parser (Debian's python3-bs4 and python3-lxml), the way many dataset scripts do it.
Charset detection by bs4's UnicodeDammit, every <img> with src (or data-src) resolved against the
page, alt whitespace-collapsed, kept when 5 or more characters and not a file name. No language ID.

    /usr/bin/python3 bench/peers/bs4_extract.py FOLDER ROUNDS [OUT.jsonl]
Prints the same key=value lines as `MellaPipeline.Bench extract-throughput`; with OUT, also writes
one JSON line per image (page_url, image_url, alt_text, kept), as `mella extract` writes its records."""
import json, os, re, sys, time
from urllib.parse import urljoin
from bs4 import BeautifulSoup

FILENAME = re.compile(r"^[\w\-. ()]+\.(jpe?g|png|gif|webp|bmp|svg)$", re.I)


def main(folder, rounds, out=None):
    pages = []
    for root, _, files in os.walk(folder):
        for name in files:
            if name.endswith((".html", ".htm")):
                path = os.path.join(root, name)
                pages.append(("https://example.org/" + os.path.relpath(path, folder), open(path, "rb").read()))
    pages.sort()
    size = sum(len(b) for _, b in pages)
    images = kept = 0
    sink = open(out, "w", encoding="utf-8") if out else None
    start = time.perf_counter()
    for _ in range(rounds):
        for url, data in pages:
            soup = BeautifulSoup(data, "lxml")
            for img in soup.find_all("img"):
                images += 1
                src = img.get("src") or img.get("data-src")
                if not src:
                    continue
                image_url = urljoin(url, src)
                alt = " ".join((img.get("alt") or "").split())
                keep = len(alt) >= 5 and not FILENAME.match(alt)
                if keep:
                    kept += 1
                if sink:
                    sink.write(json.dumps({"page_url": url, "image_url": image_url, "alt_text": alt, "kept": keep}, ensure_ascii=False) + "\n")
    if sink:
        sink.close()
    seconds = time.perf_counter() - start
    print(f"pages={len(pages) * rounds} images={images} kept={kept} mb={size * rounds / 1e6:.1f} rounds={rounds}")
    print(f"seconds={seconds:.2f} pages_per_second={len(pages) * rounds / seconds:.1f} mb_per_second={size * rounds / 1e6 / seconds:.2f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:4])
