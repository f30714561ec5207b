#!/usr/bin/python3
"""img2dataset's per-sample work over a URL list, as its downloader does it, for the loopback-web
benchmark: the list is split into one shard per process; each process fetches its shard's URLs on a
thread pool (urllib, imap_unordered, at most 2 x threads samples ready and waiting, as
img2dataset's semaphore allows) and, on its main thread, decodes each answer with Pillow (draft
mode: a JPEG is decoded at the smallest 1/2^k scale still at least the target), resizes it to
`--size` on its short side when larger (img2dataset's keep_ratio with resize_only_if_bigger),
re-encodes it as JPEG (quality 95, img2dataset's default) and writes it with its caption in the
"files" layout (KEY.jpg, KEY.txt). Written for this benchmark after reading img2dataset's
downloader.py and resizer.py; only Debian's python3-pil is needed.

  img2dataset_loop.py URLS.tsv OUT_DIR [--processes 2] [--threads 32] [--size 384] [--timeout 10]

Prints one line: urls, ok, failed_to_download, failed_to_resize, seconds, urls_per_second and the
three most frequent errors (img2dataset's status counts).
"""
import argparse
import collections
import io
import multiprocessing
import os
import time
import urllib.request
from multiprocessing.pool import ThreadPool
from threading import Semaphore

from PIL import Image

USER_AGENT = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:72.0) Gecko/20100101 Firefox/72.0 (compatible; img2dataset-loop)"


def download(row, timeout):
    key, url = row
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return key, answer.read(), None
    except Exception as err:  # pylint: disable=broad-except  (img2dataset records every error as the sample's status)
        return key, None, str(err)


def resize(data, size):
    with Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", (size, size))
        img = img.convert("RGB")
        width, height = img.size
        if min(width, height) > size:
            scale = size / min(width, height)
            img = img.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BOX)
        out = io.BytesIO()
        img.save(out, "JPEG", quality=95)
        return out.getvalue()


def shard(job):
    rows, out_dir, threads, size, timeout = job
    ok = failed_download = failed_resize = 0
    errors = collections.Counter()
    semaphore = Semaphore(threads * 2)

    def loader():
        for key, (url, _) in rows:
            semaphore.acquire()  # pylint: disable=consider-using-with
            yield key, url

    captions = dict((key, caption) for key, (_, caption) in rows)
    with ThreadPool(threads) as pool:
        for key, data, error in pool.imap_unordered(lambda row: download(row, timeout), loader()):
            try:
                if error is not None:
                    failed_download += 1
                    errors[error] += 1
                    continue
                try:
                    image = resize(data, size)
                except Exception as err:  # pylint: disable=broad-except  (img2dataset: failed_to_resize)
                    failed_resize += 1
                    errors[str(err)] += 1
                    continue
                with open(os.path.join(out_dir, f"{key:09d}.jpg"), "wb") as f:
                    f.write(image)
                with open(os.path.join(out_dir, f"{key:09d}.txt"), "w", encoding="utf-8") as f:
                    f.write(captions[key])
                ok += 1
            finally:
                semaphore.release()
    return ok, failed_download, failed_resize, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("urls")
    ap.add_argument("out")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--threads", type=int, default=32)
    ap.add_argument("--size", type=int, default=384)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--process-only", type=int, default=0, metavar="ROUNDS",
                    help="no network: URLS is a folder of photos, each resized ROUNDS times on one thread")
    a = ap.parse_args()
    if a.process_only:
        photos = [open(os.path.join(a.urls, n), "rb").read() for n in sorted(os.listdir(a.urls)) if n.endswith(".jpg")]
        for data in photos:
            resize(data, a.size)
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(a.process_only):
            for data in photos:
                resize(data, a.size)
        count = len(photos) * a.process_only
        print(f"pillow_draft_resize_jpeg: images={count} ms_per_image={(time.perf_counter() - started) * 1000 / count:.2f} "
              f"cpu_ms_per_image={(time.process_time() - cpu) * 1000 / count:.2f}")
        return
    started = time.perf_counter()
    with open(a.urls, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        url_at, caption_at = header.index("url"), header.index("caption")
        rows = [(i, (cols[url_at], cols[caption_at])) for i, cols in enumerate(line.rstrip("\n").split("\t") for line in f)]
    os.makedirs(a.out, exist_ok=True)
    step = -(-len(rows) // a.processes)
    jobs = [(rows[i : i + step], a.out, a.threads, a.size, a.timeout) for i in range(0, len(rows), step)]
    with multiprocessing.Pool(a.processes) as pool:
        results = pool.map(shard, jobs)
    seconds = time.perf_counter() - started
    ok, failed_download, failed_resize = (sum(r[i] for r in results) for i in range(3))
    errors = sum((r[3] for r in results), collections.Counter())
    print(f"urls={len(rows)} ok={ok} failed_to_download={failed_download} failed_to_resize={failed_resize} "
          f"seconds={seconds:.2f} urls_per_second={len(rows) / seconds:.0f} errors={dict(errors.most_common(3))}")


if __name__ == "__main__":
    main()
