#!/usr/bin/env python3
"""An independent reference for `mella extract`: the image URL + alt pairs of HTML pages found by
lxml.html (Debian's python3-lxml), against the pairs in `mella extract` JSONL of the same pages.

    /usr/bin/python3 bench/peers/lxml_pairs.py PAGES MELLA.jsonl [BASE_URL]

PAGES holds UTF-8 pages (the reference decodes them as UTF-8, so charset detection is mella's
alone to get right; run mella on the same pages or on legacy-encoded copies with the same paths).
A pair is (absolute image URL, alt with whitespace collapsed) for every <img> with a non-empty
alt and an http(s) URL: src unless empty or a data:/#/about:blank placeholder, else the first of
data-src, data-lazy-src, data-original, data-lazy, data-url, else the widest srcset candidate of
the image or of its <picture>'s <source>s; resolved against <base href> and the page URL, and
percent-encoded as WHATWG URLs are (non-ASCII as UTF-8, spaces). Prints recall and precision of
mella's pairs against these, per page set (first folder level) and overall, then the differences."""
import collections, json, os, re, sys, unicodedata
from urllib.parse import quote, urlsplit, urlunsplit
import lxml.html

LAZY = ["data-src", "data-lazy-src", "data-original", "data-lazy", "data-url"]
SAFE = "/:?#[]@!$&'()*+,;=%~"


def remove_dot_segments(path):
    output = []
    for segment in path.split("/")[1:] if path.startswith("/") else path.split("/"):
        if segment == "..":
            if len(output) > 1 or (output and output[0] != ""):
                output.pop()
        elif segment != ".":
            output.append(segment)
    if path.split("/")[-1] in (".", ".."):
        output.append("")
    return "/" + "/".join(output)


def urljoin(base, reference):
    """RFC 3986 section 5.2 resolution. CPython's urllib.parse.urljoin drops empty path segments
    ("images//a.png" becomes "images/a.png"), which neither RFC 3986 nor browsers do."""
    r = urlsplit(reference)
    if r.scheme:
        return urlunsplit((r.scheme, r.netloc, remove_dot_segments(r.path) if r.path else "", r.query, r.fragment))
    b = urlsplit(base)
    if r.netloc:
        return urlunsplit((b.scheme, r.netloc, remove_dot_segments(r.path) if r.path else "", r.query, r.fragment))
    if not r.path:
        return urlunsplit((b.scheme, b.netloc, b.path, r.query if reference.find("?") >= 0 else b.query, r.fragment))
    if r.path.startswith("/"):
        path = remove_dot_segments(r.path)
    else:
        merged = (b.path[: b.path.rfind("/") + 1] if b.path else "/") + r.path
        path = remove_dot_segments(merged)
    return urlunsplit((b.scheme, b.netloc, path, r.query, r.fragment))


def canonical(url):
    parts = urlsplit(url)
    host = parts.hostname.encode("idna").decode("ascii") if parts.hostname and not parts.hostname.isascii() else (parts.hostname or "")
    netloc = host + (f":{parts.port}" if parts.port else "")
    path = quote(parts.path or "/", safe=SAFE)
    return urlunsplit((parts.scheme.lower(), netloc, path, quote(parts.query, safe=SAFE), ""))


def normal(alt):
    """Whitespace collapsed, NFC (windows-1258 pages write tone marks apart)."""
    return unicodedata.normalize("NFC", " ".join((alt or "").split()))


def widest(srcset):
    best, size = None, -1.0
    for candidate in (srcset or "").split(","):
        bits = candidate.split()
        if not bits:
            continue
        value = 1.0
        if len(bits) > 1 and len(bits[1]) > 1:
            try:
                value = float(bits[1][:-1]) * (1 if bits[1][-1] in "wW" else 1000)
            except ValueError:
                pass
        if value > size:
            best, size = bits[0], value
    return best


def reference_pairs(path, page_url):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    if not text.strip():
        return []
    doc = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", text))
    base = page_url
    for b in doc.iter("base"):
        if b.get("href"):
            base = urljoin(page_url, b.get("href").strip())
            break
    pairs = []
    for img in doc.iter("img"):
        alt = normal(img.get("alt"))
        src = (img.get("src") or "").strip()
        if not src or src.lower().startswith("data:") or src in ("#", "about:blank"):
            src = next((img.get(a).strip() for a in LAZY if (img.get(a) or "").strip()), None) \
                or widest(img.get("srcset") or img.get("data-srcset"))
            parent = img.getparent()
            if not src and parent is not None and parent.tag == "picture":
                src = next((w for w in (widest(s.get("srcset") or s.get("data-srcset")) for s in parent.iter("source")) if w), None)
        if not alt or not src:
            continue
        url = urljoin(base, src.strip())
        if urlsplit(url).scheme in ("http", "https"):
            pairs.append((canonical(url), alt))
    return pairs


def main(folder, mella_jsonl, base_url="https://example.org/"):
    expected = collections.defaultdict(collections.Counter)
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if name.endswith((".html", ".htm")):
                path = os.path.join(root, name)
                page = base_url + os.path.relpath(path, folder).replace(os.sep, "/")
                expected[page].update(reference_pairs(path, page))
    found = collections.defaultdict(collections.Counter)
    with open(mella_jsonl, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            alt = normal(r.get("alt_raw"))
            url = r.get("image_url")
            if alt and url and urlsplit(url).scheme in ("http", "https"):
                found[r["page_url"]][(canonical(url), alt)] += 1
    sets = collections.defaultdict(lambda: [0, 0, 0])  # matched, expected, found
    differences = []
    for page in sorted(set(expected) | set(found)):
        e, m = expected[page], found[page]
        matched = sum((e & m).values())
        key = page[len(base_url):].split("/")[0] if "/" in page[len(base_url):] else "."
        for k in (key, "all"):
            sets[k][0] += matched
            sets[k][1] += sum(e.values())
            sets[k][2] += sum(m.values())
        for pair in (e - m):
            differences.append(f"  only lxml:  {page} {pair[0]} | {pair[1][:80]}")
        for pair in (m - e):
            differences.append(f"  only mella: {page} {pair[0]} | {pair[1][:80]}")
    for key in sorted(sets, key=lambda k: (k == "all", k)):
        matched, exp, fnd = sets[key]
        recall = 100.0 * matched / exp if exp else 100.0
        precision = 100.0 * matched / fnd if fnd else 100.0
        print(f"{key:40} pairs lxml={exp:6} mella={fnd:6} matched={matched:6} recall={recall:6.2f} % precision={precision:6.2f} %")
    print("\n".join(differences[:int(os.environ.get("SHOW", "40"))]))


if __name__ == "__main__":
    main(*sys.argv[1:])
