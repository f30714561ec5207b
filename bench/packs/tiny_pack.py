"""The tiny packs' graphs, weights and known answers (run by bench/packs/build-tiny-pack).

Everything here is deterministic: weights from numpy's RandomState with fixed seeds, images drawn
from formulas, captions fixed below. The numpy forward passes and the preprocessing are written
independently of the C# code, from pack.json's rules (docs/MODEL_PACKS.md), so the tests compare
two implementations:
  corpus DEMO_DIR              print the training text for spm_train (one sentence a line)
  captions                     print the fixed test captions (LANG<TAB>TEXT)
  build CLIP NSFW DATA IDS     write both packs and the known answers
"""

import hashlib
import html
import json
import math
import os
import re
import struct
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IMAGE_SIZE = 32
EMBEDDING = 32
TEXT_DIM = 24
MAX_LENGTH = 32
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
OPSET = 17

# XLM-R's ids for a SentencePiece model laid out <unk>=0, <s>=1, </s>=2 (fairseq's dictionary):
# <s>=0, <pad>=1, </s>=2, <unk>=3, and every other piece id + 1.
XLMR_BOS, XLMR_PAD, XLMR_EOS, XLMR_UNK, XLMR_OFFSET = 0, 1, 2, 3, 1

# Fixed captions: unseen sentences in the scripts that matter (Thai without spaces, Hangul,
# Arabic with a tatweel and a presentation-form ligature that NFKC folds), Czech and Russian, an
# emoji (outside the Basic Multilingual Plane: <unk>), and one too long for max_length.
CAPTIONS = [
    ("th", "ตลาดน้ำยามเช้าที่ดำเนินสะดวก มีเรือขายผลไม้"),
    ("th", "แมวสีส้มนอนบนโซฟา"),
    ("ko", "서울의 밤거리와 네온사인 🙂"),
    ("ko", "바닷가 마을의 작은 등대"),
    ("ar", "قهــــوة عربية مع التمر في فنجان صغير"),
    ("ar", "سوق قديم في مدينة فاس ﻻ يزال مفتوحا"),
    ("cs", "Kamenný most přes řeku v ranní mlze"),
    ("ru", "Заснеженный лес под пасмурным небом"),
    ("ru", " ".join(["Большой красный автобус едет по мосту через широкую реку"] * 3)),
]


def corpus(demo):
    """Every caption and alt text the demo ships, one a line, in a fixed order."""
    lines = []
    for name in ("pairs.jsonl", "captions.jsonl"):
        with open(os.path.join(demo, name), encoding="utf-8") as f:
            for line in f:
                try:
                    text = json.loads(line).get("text")
                except json.JSONDecodeError:
                    continue  # the demo's deliberately broken lines
                if isinstance(text, str) and text.strip():
                    lines.append(text.strip())
    site = os.path.join(demo, "site")
    for name in sorted(os.listdir(site)):
        if name.endswith(".html"):
            with open(os.path.join(site, name), encoding="utf-8") as f:
                for alt in re.findall(r'alt="([^"]*)"', f.read()):
                    if alt.strip():
                        lines.append(html.unescape(alt.strip()))
    for line in lines:
        print(line.replace("\n", " "))


def captions():
    for lang, text in CAPTIONS:
        print(f"{lang}\t{text}")


# ---------------------------------------------------------------------------------------------
# Preprocessing, as pack.json describes it: the short side resized to `size` with PIL's
# antialiased separable filter (bicubic a = -0.5 or triangle; the support widens by the scale
# when shrinking), horizontal pass first, each pass clamped to 0..255 and not rounded; the long
# side int(size * long / short); the centred square with offsets round-half-even((L - size) / 2);
# /255, (x - mean) / std; RGB planes (NCHW), float32.

def bicubic(x):
    a = -0.5
    x = abs(x)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    if x < 2.0:
        return (((x - 5.0) * x + 8.0) * x - 4.0) * a
    return 0.0


def triangle(x):
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


FILTERS = {"shortest_side_bicubic": (bicubic, 2.0), "shortest_side_bilinear": (triangle, 1.0)}


def resample_matrix(in_size, out_size, kind):
    filt, support = FILTERS[kind]
    scale = in_size / out_size
    filterscale = max(scale, 1.0)
    support *= filterscale
    m = np.zeros((out_size, in_size), dtype=np.float64)
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_size)
        w = np.array([filt((x - center + 0.5) / filterscale) for x in range(xmin, xmax)])
        total = w.sum()
        if total != 0.0:
            w = w / total
        m[xx, xmin:xmax] = w
    return m


def preprocess(rgb, size, kind, mean, std):
    """rgb: uint8 [H, W, 3] -> float32 [3, size, size]."""
    h, w, _ = rgb.shape
    if w <= h:
        nw, nh = size, int(size * h / w)
    else:
        nw, nh = int(size * w / h), size
    x = rgb.astype(np.float64)
    if nw != w:
        x = np.clip(np.einsum("ow,hwc->hoc", resample_matrix(w, nw, kind), x), 0.0, 255.0)
    if nh != h:
        x = np.clip(np.einsum("oh,hwc->owc", resample_matrix(h, nh, kind), x), 0.0, 255.0)
    top = int(round((nh - size) / 2.0))
    left = int(round((nw - size) / 2.0))
    x = x[top:top + size, left:left + size, :] / 255.0
    x = (x - np.array(mean)) / np.array(std)
    return x.transpose(2, 0, 1).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Known images: drawn from formulas, every channel different, written as plain 8-bit RGB PNGs.

def known_images():
    ys, xs = np.mgrid[0:40, 0:48]
    gradient = np.stack([(xs * 5) % 256, (ys * 6) % 256, ((xs + ys) * 3) % 256], axis=-1)
    ys, xs = np.mgrid[0:28, 0:20]
    small = np.stack([255 - xs * 12, (ys * 9) % 256, np.full_like(xs, 200)], axis=-1)
    noise = np.random.RandomState(7).randint(0, 256, size=(64, 96, 3))
    return [("gradient-48x40", gradient), ("small-20x28", small), ("noise-96x64", noise)]


def png(rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# ---------------------------------------------------------------------------------------------
# Graphs and their numpy twins.

def weights(seed, *shape):
    return (np.random.RandomState(seed).standard_normal(shape) / math.sqrt(np.prod(shape[1:]) or 1)).astype(np.float32)


def image_encoder_weights(seed):
    return {
        "conv_w": weights(seed, 8, 3, 4, 4),
        "conv_b": weights(seed + 1, 8),
        "proj_w": weights(seed + 2, 8 * 8 * 8, EMBEDDING),
        "proj_b": weights(seed + 3, EMBEDDING),
    }


def image_encoder_nodes(w):
    """Conv 3->8 (4x4, stride 4) + ReLU, flatten, linear to the embedding."""
    inits = [numpy_helper.from_array(v, k) for k, v in w.items()]
    nodes = [
        helper.make_node("Conv", ["pixel_values", "conv_w", "conv_b"], ["conv"], kernel_shape=[4, 4], strides=[4, 4]),
        helper.make_node("Relu", ["conv"], ["relu"]),
        helper.make_node("Flatten", ["relu"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "proj_w"], ["proj"]),
        helper.make_node("Add", ["proj", "proj_b"], ["image_embeds"]),
    ]
    return nodes, inits


def image_encoder_numpy(w, x):
    """x: float32 [N, 3, S, S]."""
    n = x.shape[0]
    patches = x.reshape(n, 3, IMAGE_SIZE // 4, 4, IMAGE_SIZE // 4, 4).astype(np.float64)
    conv = np.einsum("ncyixj,ocij->noyx", patches, w["conv_w"].astype(np.float64)) + w["conv_b"][None, :, None, None]
    flat = np.maximum(conv, 0.0).reshape(n, -1)
    return flat @ w["proj_w"].astype(np.float64) + w["proj_b"]


def pixel_input():
    return helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, IMAGE_SIZE, IMAGE_SIZE])


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="build-tiny-pack")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def build_image_onnx(w, path):
    nodes, inits = image_encoder_nodes(w)
    out = helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch", EMBEDDING])
    save(helper.make_graph(nodes, "tiny_clip_image", [pixel_input()], [out], inits), path)


def build_classifier_onnx(w, head_w, head_b, path):
    nodes, inits = image_encoder_nodes(w)
    inits += [numpy_helper.from_array(head_w, "head_w"), numpy_helper.from_array(head_b, "head_b")]
    nodes += [
        helper.make_node("MatMul", ["image_embeds", "head_w"], ["head"]),
        helper.make_node("Add", ["head", "head_b"], ["logits"]),
    ]
    outs = [helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch", EMBEDDING]),
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1])]
    save(helper.make_graph(nodes, "tiny_nsfw_image", [pixel_input()], outs, inits), path)


def text_encoder_weights(vocab):
    return {
        "embed": weights(101, vocab, TEXT_DIM),
        "text_w": weights(102, TEXT_DIM, EMBEDDING),
        "text_b": weights(103, EMBEDDING),
    }


def build_text_onnx(w, path):
    """Embedding lookup, mean over the tokens the mask keeps, linear to the embedding."""
    inits = [numpy_helper.from_array(v, k) for k, v in w.items()]
    inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"))
    inits.append(numpy_helper.from_array(np.array([-1], dtype=np.int64), "axis_last"))
    nodes = [
        helper.make_node("Gather", ["embed", "input_ids"], ["tokens"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["maskf", "axis_last"], ["mask3"]),
        helper.make_node("Mul", ["tokens", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["maskf", "axis1"], ["count"], keepdims=1),
        helper.make_node("Div", ["summed", "count"], ["mean"]),
        helper.make_node("MatMul", ["mean", "text_w"], ["proj"]),
        helper.make_node("Add", ["proj", "text_b"], ["text_embeds"]),
    ]
    ins = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", MAX_LENGTH]),
           helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", MAX_LENGTH])]
    out = helper.make_tensor_value_info("text_embeds", TensorProto.FLOAT, ["batch", EMBEDDING])
    save(helper.make_graph(nodes, "tiny_clip_text", ins, [out], inits), path)


def text_encoder_numpy(w, ids, mask):
    tokens = w["embed"].astype(np.float64)[ids]
    m = mask.astype(np.float64)[:, :, None]
    mean = (tokens * m).sum(axis=1) / m.sum(axis=1)
    return mean @ w["text_w"].astype(np.float64) + w["text_b"]


def xlmr_ids(spm_ids):
    """XLM-R's model input for one caption: <s>, pieces with fairseq's offset, </s>, truncated to MAX_LENGTH."""
    body = [XLMR_UNK if i == 0 else i + XLMR_OFFSET for i in spm_ids][:MAX_LENGTH - 2]
    return [XLMR_BOS] + body + [XLMR_EOS]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def image_section(resize, mean, std):
    return {"file": "image.onnx", "input": "pixel_values", "output": "image_embeds", "size": IMAGE_SIZE,
            "resize": resize, "crop": "center", "mean": mean, "std": std, "layout": "NCHW"}


def write_pack(folder, pack, files):
    pack["files"] = {name: sha256(os.path.join(folder, name)) for name in files}
    with open(os.path.join(folder, "pack.json"), "w", encoding="utf-8") as f:
        json.dump(pack, f, indent=2, ensure_ascii=False)
        f.write("\n")


def fmt(values):
    return ",".join(f"{float(v):.9g}" for v in values)


def unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def build(clip, nsfw, data, ids_tsv):
    # The text encoder's table covers every XLM-R id the tokenizer can produce: pieces + offset.
    with open(os.path.join(clip, "tokenizer.model"), "rb") as f:
        vocab = count_pieces(f.read()) + XLMR_OFFSET

    clip_image = image_encoder_weights(11)
    text = text_encoder_weights(vocab)
    build_image_onnx(clip_image, os.path.join(clip, "image.onnx"))
    build_text_onnx(text, os.path.join(clip, "text.onnx"))
    write_pack(clip, {
        "name": "tiny-clip",
        "version": "1",
        "kind": "alignment",
        "embedding_size": EMBEDDING,
        "image": image_section("shortest_side_bicubic", CLIP_MEAN, CLIP_STD),
        "text": {"file": "text.onnx", "input_ids": "input_ids", "attention_mask": "attention_mask", "output": "text_embeds",
                 "max_length": MAX_LENGTH, "tokenizer": {"kind": "sentencepiece", "file": "tokenizer.model", "lowercase": False}},
    }, ["image.onnx", "text.onnx", "tokenizer.model"])

    nsfw_image = image_encoder_weights(21)
    head_w, head_b = weights(31, EMBEDDING, 1), np.array([0.25], dtype=np.float32)
    build_classifier_onnx(nsfw_image, head_w, head_b, os.path.join(nsfw, "image.onnx"))
    write_pack(nsfw, {
        "name": "tiny-nsfw",
        "version": "1",
        "kind": "image_classifier",
        "embedding_size": EMBEDDING,
        "image": image_section("shortest_side_bilinear", IMAGENET_MEAN, IMAGENET_STD),
        "score": {"output": "logits", "index": 0, "activation": "sigmoid"},
    }, ["image.onnx"])

    # Known answers.
    rows = []
    with open(ids_tsv, encoding="utf-8") as f:
        for line in f:
            lang, caption, ids = line.rstrip("\n").split("\t")
            spm = [int(i) for i in ids.split()]
            rows.append((lang, caption, spm, xlmr_ids(spm)))
    with open(os.path.join(data, "expected-ids.tsv"), "w", encoding="utf-8") as f:
        f.write("# lang\ttext\tspm_encode ids\tmodel input ids (XLM-R layout, max_length %d)\n" % MAX_LENGTH)
        for lang, caption, spm, model in rows:
            f.write(f"{lang}\t{caption}\t{' '.join(map(str, spm))}\t{' '.join(map(str, model))}\n")

    images = known_images()
    for name, rgb in images:
        with open(os.path.join(data, name + ".png"), "wb") as f:
            f.write(png(rgb))
    clip_pixels = np.stack([preprocess(rgb, IMAGE_SIZE, "shortest_side_bicubic", CLIP_MEAN, CLIP_STD) for _, rgb in images])
    nsfw_pixels = np.stack([preprocess(rgb, IMAGE_SIZE, "shortest_side_bilinear", IMAGENET_MEAN, IMAGENET_STD) for _, rgb in images])
    with open(os.path.join(data, "expected-pixels.tsv"), "w", encoding="utf-8") as f:
        f.write("# image\tresize\t3x%dx%d float32 values, channel-major (NCHW)\n" % (IMAGE_SIZE, IMAGE_SIZE))
        for (name, _), p in zip(images, clip_pixels):
            f.write(f"{name}\tshortest_side_bicubic\t{fmt(p.ravel())}\n")
        for (name, _), p in zip(images, nsfw_pixels):
            f.write(f"{name}\tshortest_side_bilinear\t{fmt(p.ravel())}\n")

    image_emb = image_encoder_numpy(clip_image, clip_pixels)
    ids = np.full((len(rows), MAX_LENGTH), XLMR_PAD, dtype=np.int64)
    mask = np.zeros((len(rows), MAX_LENGTH), dtype=np.int64)
    for r, (_, _, _, model) in enumerate(rows):
        ids[r, :len(model)] = model
        mask[r, :len(model)] = 1
    text_emb = text_encoder_numpy(text, ids, mask)
    logits = image_encoder_numpy(nsfw_image, nsfw_pixels) @ head_w.astype(np.float64) + head_b
    scores = 1.0 / (1.0 + np.exp(-logits[:, 0]))
    cosine = unit(image_emb) @ unit(text_emb).T
    with open(os.path.join(data, "expected-embeddings.tsv"), "w", encoding="utf-8") as f:
        f.write("# kind\tname\tvalues (numpy, float64 forward pass of the same weights)\n")
        for (name, _), e in zip(images, image_emb):
            f.write(f"image\t{name}\t{fmt(e)}\n")
        for r, (lang, caption, _, _) in enumerate(rows):
            f.write(f"text\t{caption}\t{fmt(text_emb[r])}\n")
        for (name, _), s in zip(images, scores):
            f.write(f"nsfw\t{name}\t{fmt([s])}\n")
        for i, (name, _) in enumerate(images):
            for r, (_, caption, _, _) in enumerate(rows):
                f.write(f"cosine\t{name}|{caption}\t{fmt([cosine[i, r]])}\n")


def count_pieces(model_bytes):
    """Number of pieces in a SentencePiece ModelProto (field 1, repeated), read from the wire format."""
    i, n = 0, 0
    while i < len(model_bytes):
        key, i = varint(model_bytes, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, i = varint(model_bytes, i)
        elif wire == 1:
            i += 8
        elif wire == 2:
            length, i = varint(model_bytes, i)
            i += length
            n += field == 1
        elif wire == 5:
            i += 4
        else:
            raise ValueError("unexpected wire type %d" % wire)
    return n


def varint(b, i):
    shift = value = 0
    while True:
        byte = b[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "corpus":
        corpus(sys.argv[2])
    elif command == "captions":
        captions()
    elif command == "build":
        build(*sys.argv[2:6])
    else:
        sys.exit(__doc__)
