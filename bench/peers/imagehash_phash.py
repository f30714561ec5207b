#!/usr/bin/env python3
"""The peer of the pHash benchmarks: Python imagehash's phash (imagehash's source on PYTHONPATH,
fetched from github.com/JohannesBuchner/imagehash, never committed) with Debian's python3-pil,
-numpy, -scipy and -pywt.

    PYTHONPATH=/path/to/imagehash /usr/bin/python3 bench/peers/imagehash_phash.py hashes DIR
    PYTHONPATH=/path/to/imagehash /usr/bin/python3 bench/peers/imagehash_phash.py pool DIR [PROCESSES]
    PYTHONPATH=/path/to/imagehash /usr/bin/python3 bench/peers/imagehash_phash.py decode DIR ROUNDS
    PYTHONPATH=/path/to/imagehash /usr/bin/python3 bench/peers/imagehash_phash.py throughput DIR ROUNDS

`hashes` prints "HEX16<TAB>relative path" per decodable image; `pool` prints the same lines, in the
same order, hashed by a multiprocessing.Pool of PROCESSES (default 2) worker processes, the way a
Python pipeline would use a 2-core machine; `decode` times Pillow's full-size decode alone (to
compare libjpeg-turbo builds); `throughput` decodes and hashes
every JPEG under DIR (bytes read into memory once) ROUNDS times on one thread and prints the
same key=value lines as `MellaPipeline.Bench phash-throughput`."""
import io, os, sys, time
import imagehash
from PIL import Image

EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")


def files(folder, extensions):
    found = []
    for root, _, names in os.walk(folder):
        for name in names:
            if name.lower().endswith(extensions):
                found.append(os.path.join(root, name))
    return sorted(found)


def line(path, folder):
    try:
        with Image.open(path) as image:
            return f"{imagehash.phash(image)}\t{os.path.relpath(path, folder)}"
    except Exception as error:  # noqa: BLE001 - any decoder failure is reported, not fatal
        return f"error\t{os.path.relpath(path, folder)}\t{type(error).__name__}"


def pool_line(job):
    return line(*job)


def main():
    mode, folder = sys.argv[1], sys.argv[2]
    if mode == "hashes":
        for path in files(folder, EXTENSIONS):
            print(line(path, folder))
        return
    if mode == "pool":
        import multiprocessing
        processes = int(sys.argv[3]) if len(sys.argv) > 3 else 2
        with multiprocessing.Pool(processes) as pool:
            for text in pool.imap(pool_line, [(path, folder) for path in files(folder, EXTENSIONS)], chunksize=16):
                print(text)
        return
    rounds = int(sys.argv[3])
    images = []
    for path in files(folder, (".jpg", ".jpeg")):
        data = open(path, "rb").read()
        try:
            Image.open(io.BytesIO(data)).load()
            images.append(data)
        except Exception:  # noqa: BLE001 - undecodable files are left out on both sides
            pass
    start = time.perf_counter()
    for _ in range(rounds):
        for data in images:
            if mode == "decode":
                Image.open(io.BytesIO(data)).load()
            else:
                imagehash.phash(Image.open(io.BytesIO(data)))
    seconds = time.perf_counter() - start
    count = len(images) * rounds
    print(f"images={count} mb={sum(map(len, images)) * rounds / 1e6:.1f} rounds={rounds}")
    print(f"seconds={seconds:.2f} images_per_second={count / seconds:.1f}")


if __name__ == "__main__":
    main()
