using System.Text.Json.Nodes;
using MellaPipeline.Config;
using MellaPipeline.Quality.Packs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Quality.Tests.Packs;

public sealed class ModelPackTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Copy(string source)
    {
        string folder = Path.Combine(_dir.Path, Guid.NewGuid().ToString("N")[..8], Path.GetFileName(source));
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    private string CopyWith(string source, Action<JsonObject> edit)
    {
        string folder = Copy(source);
        string manifest = Path.Combine(folder, "pack.json");
        var json = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        edit(json);
        File.WriteAllText(manifest, json.ToJsonString());
        return folder;
    }

    [Fact]
    public void The_demo_packs_load()
    {
        Assert.Null(ModelPack.Problem(PackTestData.ClipFolder));
        Assert.Null(ModelPack.Problem(PackTestData.NsfwFolder));
        var clip = PackTestData.Clip;
        Assert.Equal(("tiny-clip@1", PackKind.Alignment, 32, 32), (clip.Id, clip.Kind, clip.EmbeddingSize!.Value, clip.Image.Size));
        Assert.Equal(PackTokenizerKind.SentencePiece, clip.Text!.Tokenizer.Kind);
        var nsfw = PackTestData.Nsfw;
        Assert.Equal((PackKind.ImageClassifier, PackActivation.Sigmoid), (nsfw.Kind, nsfw.Score!.Activation));
        Assert.Null(nsfw.Text);
    }

    [Fact]
    public void A_pack_of_the_wrong_kind_for_the_stage_is_refused()
    {
        Assert.Null(ModelPack.Problem(PackTestData.ClipFolder, PackKind.Alignment));
        Assert.Null(ModelPack.Problem(PackTestData.NsfwFolder, PackKind.ImageClassifier));
        Assert.Equal(Path.Combine(PackTestData.NsfwFolder, "pack.json") + ": kind: is image_classifier, this stage needs an alignment pack",
            ModelPack.Problem(PackTestData.NsfwFolder, PackKind.Alignment));
        Assert.EndsWith("pack.json: kind: is alignment, this stage needs an image_classifier pack", ModelPack.Problem(PackTestData.ClipFolder, PackKind.ImageClassifier));
    }

    [Theory]
    [InlineData("tiny-clip", "image.onnx")]
    [InlineData("tiny-clip", "text.onnx")]
    [InlineData("tiny-clip", "tokenizer.model")]
    [InlineData("tiny-nsfw", "image.onnx")]
    public void A_changed_byte_in_any_file_is_refused_naming_the_file(string pack, string file)
    {
        string folder = Copy(pack == "tiny-clip" ? PackTestData.ClipFolder : PackTestData.NsfwFolder);
        string path = Path.Combine(folder, file);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        string? problem = ModelPack.Problem(folder);
        Assert.NotNull(problem);
        Assert.StartsWith(path + ": SHA-256 is ", problem);
        Assert.Contains("files." + file, problem);
        var thrown = Assert.Throws<ConfigException>(() => ModelPack.Load(folder));
        Assert.Equal(problem, thrown.Message);
    }

    [Fact]
    public void A_missing_file_is_refused()
    {
        string folder = Copy(PackTestData.ClipFolder);
        File.Delete(Path.Combine(folder, "text.onnx"));
        Assert.Equal(Path.Combine(folder, "text.onnx") + ": missing: pack.json lists it", ModelPack.Problem(folder));
    }

    [Fact]
    public void A_file_that_is_not_a_regular_file_is_refused_without_being_opened()
    {
        // A FIFO would block the load forever if it were opened.
        string folder = Copy(PackTestData.NsfwFolder);
        string image = Path.Combine(folder, "image.onnx");
        File.Delete(image);
        SpecialFiles.Fifo(image);
        Assert.Equal(image + ": not a regular file (a FIFO, device or socket)", ModelPack.Problem(folder));
        File.Delete(image);
        Directory.CreateDirectory(image);
        Assert.Equal(image + ": is a folder, not a file", ModelPack.Problem(folder));
    }

    [Fact]
    public void A_folder_without_pack_json_is_refused()
    {
        string folder = Copy(PackTestData.ClipFolder);
        File.Delete(Path.Combine(folder, "pack.json"));
        Assert.Equal(Path.Combine(folder, "pack.json") + ": missing: a model pack needs pack.json", ModelPack.Problem(folder));
        Assert.Contains("not a model pack folder", ModelPack.Problem(Path.Combine(_dir.Path, "nowhere")));
    }

    [Fact]
    public void Bad_json_is_refused_with_its_line()
    {
        string folder = Copy(PackTestData.ClipFolder);
        File.WriteAllText(Path.Combine(folder, "pack.json"), "{\n  \"name\": \"x\",\n  oops\n}");
        Assert.Equal(Path.Combine(folder, "pack.json") + ":3: not valid JSON", ModelPack.Problem(folder));
    }

    [Theory]
    [InlineData("kind", "detector", "kind: must be one of alignment, image_classifier")]
    [InlineData("colour", "blue", "colour: unknown key")]
    [InlineData("version", null, "version: missing")]
    public void Bad_keys_are_refused_naming_the_key(string key, string? value, string expected)
    {
        string folder = CopyWith(PackTestData.ClipFolder, json =>
        {
            json.Remove(key);
            if (value is not null)
            {
                json[key] = value;
            }
        });
        Assert.Equal(Path.Combine(folder, "pack.json") + ": " + expected, ModelPack.Problem(folder));
    }

    [Fact]
    public void Nested_keys_are_named_with_their_path()
    {
        string folder = CopyWith(PackTestData.ClipFolder, json => json["text"]!["tokenizer"]!["kind"] = "wordpiece");
        Assert.EndsWith("pack.json: text.tokenizer.kind: must be one of sentencepiece, clip_bpe", ModelPack.Problem(folder));
        folder = CopyWith(PackTestData.NsfwFolder, json => json["image"]!["std"] = new JsonArray(0.2, 0, 0.2));
        Assert.EndsWith("pack.json: image.std: must be a list of 3 positive numbers", ModelPack.Problem(folder));
    }

    [Fact]
    public void A_file_not_listed_with_its_hash_is_refused()
    {
        string folder = CopyWith(PackTestData.ClipFolder, json => json["files"]!.AsObject().Remove("tokenizer.model"));
        Assert.EndsWith("pack.json: text.tokenizer.file: 'tokenizer.model' is not listed in files with its SHA-256", ModelPack.Problem(folder));
    }

    [Fact]
    public void A_path_out_of_the_folder_is_refused()
    {
        string folder = CopyWith(PackTestData.NsfwFolder, json => json["files"]!["../image.onnx"] = new string('0', 64));
        Assert.EndsWith("pack.json: files.../image.onnx: must be a relative path inside the pack folder", ModelPack.Problem(folder));
    }

    [Fact]
    public void A_graph_whose_shapes_disagree_with_pack_json_is_refused()
    {
        string folder = CopyWith(PackTestData.ClipFolder, json => json["image"]!["size"] = 64);
        Assert.EndsWith("pack.json: image.input: 'pixel_values' has shape [?, 3, 32, 32], pack.json says 64 for dimension 2 in image.onnx", ModelPack.Problem(folder));
        folder = CopyWith(PackTestData.ClipFolder, json => json["text"]!["output"] = "pooled");
        Assert.EndsWith("pack.json: text.output: the graph has no output 'pooled' (it has text_embeds) in text.onnx", ModelPack.Problem(folder));
        folder = CopyWith(PackTestData.ClipFolder, json => json["text"]!.AsObject().Remove("attention_mask"));
        Assert.EndsWith("text.onnx: the graph has an input 'attention_mask' that pack.json's text does not name", ModelPack.Problem(folder));
        folder = CopyWith(PackTestData.NsfwFolder, json => json["score"]!["index"] = 1);
        Assert.EndsWith("pack.json: score.index: 1 is outside the output's 1 columns", ModelPack.Problem(folder));
    }

    [Fact]
    public void A_file_that_is_not_ONNX_is_refused_when_its_hash_matches()
    {
        string folder = CopyWith(PackTestData.NsfwFolder, json =>
            json["files"]!["image.onnx"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("not onnx"u8)));
        File.WriteAllText(Path.Combine(folder, "image.onnx"), "not onnx");
        Assert.StartsWith(Path.Combine(folder, "image.onnx") + ": does not load as an ONNX model", ModelPack.Problem(folder));
    }

    [Theory]
    [InlineData("not a sentencepiece model")]
    [InlineData("")]
    public void A_tokenizer_that_does_not_load_is_refused_when_its_hash_matches(string content)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);
        string folder = CopyWith(PackTestData.ClipFolder, json =>
            json["files"]!["tokenizer.model"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.model"), bytes);
        Assert.StartsWith(Path.Combine(folder, "tokenizer.model") + ": does not load as a SentencePiece model", ModelPack.Problem(folder));
    }

    public void Dispose() => _dir.Dispose();
}
