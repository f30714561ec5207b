"""Reads WebDataset tars with Python's own tarfile, independently of the writer under test.

Usage: read_webdataset.py FOLDER  -> one JSON document on stdout:
{"tars": [{"name", "bytes", "sha256", "members": [{"name", "size", "sha256", "mode", "uid", "gid",
 "mtime", "type", "uname", "gname", "text"?}]}], "index": <index.json or null>}
"text" is the member's content for .txt and .json members (decoded as UTF-8, strictly).
Standard library only, so it runs on any python3.
"""
import hashlib
import json
import os
import sys
import tarfile


def read_tar(path):
    members = []
    with open(path, "rb") as raw:
        data = raw.read()
    # "r:" refuses compression: the tars must be plain.
    with tarfile.open(path, "r:") as tar:
        for info in tar:
            content = tar.extractfile(info).read() if info.isfile() else b""
            member = {
                "name": info.name,
                "size": info.size,
                "sha256": hashlib.sha256(content).hexdigest(),
                "mode": info.mode,
                "uid": info.uid,
                "gid": info.gid,
                "mtime": info.mtime,
                "type": info.type.decode("ascii"),
                "uname": info.uname,
                "gname": info.gname,
            }
            if info.name.endswith((".txt", ".json")):
                member["text"] = content.decode("utf-8", errors="strict")
            members.append(member)
    return {"name": os.path.basename(path), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "ustar": data[257:263] == b"ustar\x00", "members": members}


def main(folder):
    tars = [read_tar(os.path.join(folder, name)) for name in sorted(os.listdir(folder)) if name.endswith(".tar")]
    index_path = os.path.join(folder, "index.json")
    index = None
    if os.path.exists(index_path):
        with open(index_path, encoding="utf-8") as f:
            index = json.load(f)
    json.dump({"tars": tars, "index": index}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
