#!/usr/bin/env python3
"""Real photographs for the image benchmarks, built on the machine that runs them (never committed).

Sources: the wallpapers of Debian packages whose licences allow redistribution (plasma-workspace-
wallpapers, mate-backgrounds, ukui-wallpapers, gnome-backgrounds, lomiri-wallpapers; licences in
/usr/share/doc/PACKAGE/copyright) — one file per wallpaper, its largest size — and the distinct
photos of ../shared/data/images-neardup. Install the packages first (`install` prints what it
installs), then `make` writes JPEGs of at most MAX_SIDE px:

    /usr/bin/python3 bench/photos/real_photos.py install
    /usr/bin/python3 bench/photos/real_photos.py make OUT_DIR [--count 930] [--max-side 1024] [--half tune|held-out|all]
    /usr/bin/python3 bench/photos/real_photos.py sources [--half tune|held-out|all]

`make` cycles over the sources: each pass writes every source once more at another size
(MAX_SIDE, 7/8, 3/4 and 5/8 of it on the long side: 1024, 896, 768, 640 px at the default) and JPEG quality (90, 85, 95, 80),
until COUNT files exist, named SOURCE-ID__PASS.jpg. `--half` keeps the sources whose FNV-1a hash
of their name is even (tune) or odd (held-out), so one can tune on one half and report the other."""
import json, os, subprocess, sys
from PIL import Image

PACKAGES = ["plasma-workspace-wallpapers", "mate-backgrounds", "ukui-wallpapers", "gnome-backgrounds", "lomiri-wallpapers"]
ROOTS = ["/usr/share/wallpapers", "/usr/share/backgrounds"]
EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
SIZES = [1024, 896, 768, 640]
QUALITIES = [90, 85, 95, 80]
HERE = os.path.dirname(os.path.abspath(__file__))
NEARDUP = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data", "images-neardup"))


def fnv1a(text):
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def wallpaper_sources():
    """One file per wallpaper: plasma ships each in many sizes under NAME/contents/images*/, the others one file each."""
    best = {}
    for root in ROOTS:
        for folder, _, files in os.walk(root):
            for name in files:
                if not name.lower().endswith(EXTENSIONS):
                    continue
                path = os.path.join(folder, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                parts = os.path.relpath(path, root).split(os.sep)
                # plasma: NAME/contents/images/1920x1080.jpg -> one id per NAME and variant folder (images, images_dark)
                key = "-".join([parts[0], parts[2]]) if len(parts) >= 4 and parts[1] == "contents" else os.path.splitext(os.path.relpath(path, root))[0].replace(os.sep, "-")
                # mate ships Elephants.jpg beside Elephants_3840x2160.jpg: one photo
                key = key.split("_3840x")[0].split("_5640x")[0]
                size = os.path.getsize(path)
                if key not in best or size > best[key][1]:
                    best[key] = (path, size)
    return {key: path for key, (path, _) in best.items()}


def neardup_sources():
    truth_path = os.path.join(NEARDUP, "ground_truth.json")
    if not os.path.isfile(truth_path):
        return {}
    truth = json.load(open(truth_path))
    names = []
    for group in truth["distinct"]:
        names += [f for f in group["files"] if f.lower().endswith(".jpg") and "uniform" not in f]
    for group in truth["groups"]:
        if not any(m in names for m in group["members"]):
            names += [m for m in group["members"][:1] if m.lower().endswith(".jpg")]
    out = {}
    for name in dict.fromkeys(names):
        path = os.path.join(NEARDUP, name)
        with Image.open(path) as image:
            if min(image.size) >= 200:
                out["neardup-" + name.replace("/", "-").rsplit(".", 1)[0]] = path
    return out


def sources(half):
    found = {**wallpaper_sources(), **neardup_sources()}
    keep = {"all": lambda k: True, "tune": lambda k: fnv1a(k) % 2 == 0, "held-out": lambda k: fnv1a(k) % 2 == 1}[half]
    return dict(sorted((k, v) for k, v in found.items() if keep(k)))


def make(out, count, max_side, half):
    chosen = sources(half)
    if not chosen:
        sys.exit("no source photos: run `real_photos.py install` first")
    os.makedirs(out, exist_ok=True)
    written, round_ = 0, 0
    while written < count:
        # The sizes are fractions of MAX_SIDE (1024, 896, 768, 640 at the default), so every pass differs.
        side, quality = round(max_side * SIZES[round_ % len(SIZES)] / 1024), QUALITIES[(round_ // len(SIZES)) % len(QUALITIES)]
        for key, path in chosen.items():
            if written >= count:
                break
            with Image.open(path) as image:
                image = image.convert("RGB")
                scale = min(1.0, side / max(image.size))
                if scale < 1.0:
                    image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.LANCZOS)
                image.save(os.path.join(out, f"{key}__{round_:02d}.jpg"), "JPEG", quality=quality)
            written += 1
        round_ += 1
    print(f"wrote {written} photos from {len(chosen)} sources to {out}", file=sys.stderr)


def main(argv):
    if not argv:
        sys.exit(__doc__)
    half = argv[argv.index("--half") + 1] if "--half" in argv else "all"
    if argv[0] == "install":
        print("installing Debian packages: " + " ".join(PACKAGES), file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", *PACKAGES], check=True, stdout=subprocess.DEVNULL)
    elif argv[0] == "sources":
        for key, path in sources(half).items():
            print(f"{key}\t{path}")
    elif argv[0] == "make":
        count = int(argv[argv.index("--count") + 1]) if "--count" in argv else 930
        max_side = int(argv[argv.index("--max-side") + 1]) if "--max-side" in argv else 1024
        make(argv[1], count, max_side, half)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
