#!/usr/bin/env python3
"""The peer for the extraction throughput benchmark: a simple alt-text extractor on BeautifulSoup
with the lxml parser (Debian's python3-bs4 and python3-lxml), the way many dataset scripts do it.
Charset detection by bs4's UnicodeDammit, every <img> with src (or data-src) resolved against the
page, alt whitespace-collapsed, kept when 5 or more characters and not a file name. No language ID.

    /usr/bin/python3 bench/peers/bs4_extract.py FOLDER ROUNDS
Prints the same key=value lines as `MellaPipeline.Bench extract-throughput`."""
import os, re, sys, time
from urllib.parse import urljoin
from bs4 import BeautifulSoup

FILENAME = re.compile(r"^[\w\-. ()]+\.(jpe?g|png|gif|webp|bmp|svg)$", re.I)


def main(folder, rounds):
    pages = []
    for root, _, files in os.walk(folder):
        for name in files:
            if name.endswith((".html", ".htm")):
                path = os.path.join(root, name)
                pages.append(("https://example.org/" + os.path.relpath(path, folder), open(path, "rb").read()))
    pages.sort()
    size = sum(len(b) for _, b in pages)
    images = kept = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for url, data in pages:
            soup = BeautifulSoup(data, "lxml")
            for img in soup.find_all("img"):
                images += 1
                src = img.get("src") or img.get("data-src")
                if not src:
                    continue
                urljoin(url, src)
                alt = " ".join((img.get("alt") or "").split())
                if len(alt) >= 5 and not FILENAME.match(alt):
                    kept += 1
    seconds = time.perf_counter() - start
    print(f"pages={len(pages) * rounds} images={images} kept={kept} mb={size * rounds / 1e6:.1f} rounds={rounds}")
    print(f"seconds={seconds:.2f} pages_per_second={len(pages) * rounds / seconds:.1f} mb_per_second={size * rounds / 1e6 / seconds:.2f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
