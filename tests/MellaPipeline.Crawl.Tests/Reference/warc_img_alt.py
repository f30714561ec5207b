#!/usr/bin/env python3
"""Independent reference for archive extraction tests: lists every <img> of every HTML response
in a WARC or ARC file (gzip or plain) using only the Python standard library.

Output, one TSV line per image: page_url, img_index, alt_status (PRESENT/EMPTY/MISSING), src, alt,
charset_source (declared/utf8/fallback). Records that cannot be read end the file quietly."""
import gzip, html.parser, re, sys

# Labels browsers (the WHATWG Encoding Standard) read as a superset encoding.
WHATWG = {"gb2312": "gbk", "x-gbk": "gbk", "iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252",
          "ascii": "cp1252", "tis-620": "cp874", "iso-8859-11": "cp874", "euc-kr": "cp949", "ks_c_5601-1987": "cp949"}

LAZY = ["data-src", "data-lazy-src", "data-original", "data-lazy", "data-url"]


class Images(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag != "img":
            return
        a = {}
        for k, v in attrs:
            a.setdefault(k, v)
        src = a.get("src")
        if src is None or not src.strip():
            src = next((a[k] for k in LAZY if a.get(k) and a[k].strip()), src)
        alt = a.get("alt")
        self.images.append((src or "", "MISSING" if alt is None else ("EMPTY" if alt == "" else "PRESENT"), alt or ""))

    handle_startendtag = handle_starttag


def records(data):
    pos = 0
    arc = data.startswith(b"filedesc://")
    while pos < len(data):
        end = data.find(b"\n", pos)
        if end < 0:
            return
        line = data[pos:end].strip()
        pos = end + 1
        if not line:
            continue
        if line.startswith(b"WARC/"):
            headers = {}
            while True:
                end = data.find(b"\n", pos)
                if end < 0:
                    return
                h = data[pos:end].strip()
                pos = end + 1
                if not h:
                    break
                if b":" in h:
                    k, v = h.split(b":", 1)
                    headers.setdefault(k.strip().lower().decode("latin-1"), v.strip().decode("utf-8", "replace"))
            n = int(headers.get("content-length", "-1"))
            if n < 0 or pos + n > len(data):
                return
            yield headers.get("warc-type"), headers.get("warc-target-uri", "").strip("<>").replace(" ", "%20"), data[pos:pos + n]
            pos += n
        elif arc:
            parts = line.split(b" ")
            if len(parts) in (5, 10) and parts[-1].isdigit():
                n = int(parts[-1])
                if pos + n > len(data):
                    return
                url = parts[0].decode("latin-1")
                yield ("response" if url.startswith("http") else "other"), url, data[pos:pos + n]
                pos += n


def dechunk(body):
    out, pos = b"", 0
    while True:
        end = body.find(b"\n", pos)
        if end < 0:
            return None
        try:
            size = int(body[pos:end].split(b";")[0].strip(), 16)
        except ValueError:
            return None
        pos = end + 1
        if size == 0:
            return out
        if pos + size > len(body):
            return None
        out += body[pos:pos + size]
        pos += size
        if body[pos:pos + 2] == b"\r\n":
            pos += 2
        elif body[pos:pos + 1] == b"\n":
            pos += 1
        elif pos < len(body):
            return None


def main(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError):
            return
    for kind, url, block in records(raw):
        if kind != "response" or not url.startswith("http") or not block.startswith(b"HTTP/"):
            continue
        split = block.find(b"\r\n\r\n")
        sep = 4
        if split < 0 or (0 <= block.find(b"\n\n") < split):
            split, sep = block.find(b"\n\n"), 2
        if split < 0:
            continue
        head = block[:split].decode("latin-1").split("\n")
        status = head[0].split()
        if len(status) < 2 or not status[1].startswith("2"):
            continue
        hdr = {}
        for h in head[1:]:
            if ":" in h:
                k, v = h.split(":", 1)
                hdr.setdefault(k.strip().lower(), v.strip())
        ctype = hdr.get("content-type", "").lower()
        if "html" not in ctype:
            continue
        body = block[split + sep:]
        if "chunked" in hdr.get("transfer-encoding", "").lower():
            body = dechunk(body) or body
        if hdr.get("content-encoding", "identity").lower() not in ("identity", ""):
            continue
        charset, source = None, "fallback"
        m = re.search(r"charset=([\w-]+)", ctype)
        if m:
            charset, source = m.group(1), "declared"
        else:
            m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.I)
            if m:
                charset, source = m.group(1).decode("ascii"), "declared"
        text = None
        if charset:
            charset = WHATWG.get(charset.lower(), charset)
            try:
                text = body.decode(charset)
            except (LookupError, UnicodeDecodeError):
                text, source = None, "fallback"
        if text is None:
            try:
                text, source = body.decode("utf-8"), "utf8"
            except UnicodeDecodeError:
                text, source = body.decode("utf-8", "replace"), "fallback"
        parser = Images()
        parser.feed(text)
        parser.close()
        for i, (src, status_, alt) in enumerate(parser.images):
            clean = lambda s: " ".join(s.split())
            print("\t".join([url, str(i), status_, clean(src), clean(alt), source]))


if __name__ == "__main__":
    main(sys.argv[1])
