"""Wraps ML.NET's ResNet-18 ONNX (Microsoft.ML.DnnImageFeaturizer.ResNet18) as an image-only model pack.

  wrap_resnet18.py RESNET18_ONNX OUT_FOLDER

The package's graph (IR 3: weights listed as inputs) has a fixed batch of 1 and a [1, 512, 1, 1] pooled output; the pack's copy
gets a symbolic batch axis and a Flatten to [batch, 512], which a model pack needs (one batch
tensor per call). The 512 features are the "score" output with index 0 and no activation: the
benchmark measures the image encoder, not a classifier. Preprocessing: 224 px, ImageNet mean/std.
"""

import hashlib
import json
import os
import sys

import onnx
from onnx import helper

source, out = sys.argv[1], sys.argv[2]
model = onnx.load(source)
graph = model.graph
initializers = {i.name for i in graph.initializer}
inputs = [i for i in graph.input if i.name not in initializers]
assert len(inputs) == 1 and len(graph.output) == 1, "expected one image input and one output"
inputs[0].type.tensor_type.shape.dim[0].dim_param = "batch"
# IR 3 lists every weight as a graph input too; from IR 4 on they are initializers alone.
model.ir_version = 4
del graph.input[:]
graph.input.extend(inputs)
pooled = graph.output[0].name
graph.node.append(helper.make_node("Flatten", [pooled], ["embedding"], axis=1))
del graph.output[:]
graph.output.append(helper.make_tensor_value_info("embedding", onnx.TensorProto.FLOAT, ["batch", 512]))
del graph.value_info[:]
onnx.checker.check_model(model)
os.makedirs(out, exist_ok=True)
onnx.save(model, os.path.join(out, "image.onnx"))
with open(os.path.join(out, "image.onnx"), "rb") as f:
    digest = hashlib.sha256(f.read()).hexdigest()
pack = {
    "name": "resnet18-mlnet",
    "version": "0.23.1",
    "kind": "image_classifier",
    "embedding_size": 512,
    "image": {"file": "image.onnx", "input": inputs[0].name, "output": "embedding", "size": 224,
              "resize": "shortest_side_bilinear", "crop": "center",
              "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "layout": "NCHW"},
    "score": {"output": "embedding", "index": 0, "activation": "none"},
    "files": {"image.onnx": digest},
}
with open(os.path.join(out, "pack.json"), "w", encoding="utf-8") as f:
    json.dump(pack, f, indent=2)
