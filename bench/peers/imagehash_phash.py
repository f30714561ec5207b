#!/usr/bin/env python3
"""The peer of the pHash benchmarks: Python imagehash's phash (imagehash's source on PYTHONPATH,
fetched from github.com/JohannesBuchner/imagehash, never committed) with Debian's python3-pil,
-numpy, -scipy and -pywt.

    PYTHONPATH=/path/to/imagehash /usr/bin/python3 bench/peers/imagehash_phash.py hashes DIR
    PYTHONPATH=/path/to/imagehash /usr/bin/python3 bench/peers/imagehash_phash.py throughput DIR ROUNDS

`hashes` prints "HEX16<TAB>relative path" per decodable image; `throughput` decodes and hashes
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


def main():
    mode, folder = sys.argv[1], sys.argv[2]
    if mode == "hashes":
        for path in files(folder, EXTENSIONS):
            try:
                with Image.open(path) as image:
                    print(f"{imagehash.phash(image)}\t{os.path.relpath(path, folder)}")
            except Exception as error:  # noqa: BLE001 - any decoder failure is reported, not fatal
                print(f"error\t{os.path.relpath(path, folder)}\t{type(error).__name__}")
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
            imagehash.phash(Image.open(io.BytesIO(data)))
    seconds = time.perf_counter() - start
    count = len(images) * rounds
    print(f"images={count} mb={sum(map(len, images)) * rounds / 1e6:.1f} rounds={rounds}")
    print(f"seconds={seconds:.2f} images_per_second={count / seconds:.1f}")


if __name__ == "__main__":
    main()
