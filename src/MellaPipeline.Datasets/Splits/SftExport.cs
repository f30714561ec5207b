using System.Text.Encodings.Web;
using System.Text.Json;
using MellaPipeline.Records;
using MellaPipeline.Runs;

namespace MellaPipeline.Datasets.Splits;

/// <summary>What <c>sft/</c> holds.</summary>
/// <param name="Train">Conversations in <c>train.jsonl</c>.</param>
/// <param name="Eval">Conversations in <c>eval.jsonl</c>.</param>
/// <param name="Images">Image files written under <c>images/</c> (one per distinct SHA-256).</param>
/// <param name="ImagesByUrl">Conversations naming their image by URL, the dataset storing it by reference.</param>
/// <param name="WithoutImage">Rows left out: neither bytes nor a URL to name.</param>
public sealed record SftSummary(long Train, long Eval, long Images, long ImagesByUrl, long WithoutImage);

/// <summary>
/// Fine-tuning conversations in the LLaVA / ShareGPT shape, one JSON object per line:
/// <c>{"id", "image", "lang", "source", "conversations": [{"from": "human", "value": "&lt;image&gt;\n…"}, {"from": "gpt", "value": caption}]}</c>.
/// <c>image</c> is a path relative to the JSONL file (<c>images/ab/SHA256.jpg</c>, each image
/// written once however many captions it has), or the image URL when the dataset stores images
/// by reference. Lines are written in dataset order; files appear under their names only when
/// complete.
/// </summary>
public sealed class SftExport : IDisposable
{
    public const string FolderName = "sft";
    public const string ImagesFolder = "images";

    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _folder;
    private readonly Part _train;
    private readonly Part _eval;
    private readonly HashSet<ulong> _written = [];
    private long _images;
    private long _byUrl;
    private long _withoutImage;

    public SftExport(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(Path.Combine(folder, ImagesFolder));
        _train = new Part(Path.Combine(folder, "train.jsonl"));
        _eval = new Part(Path.Combine(folder, "eval.jsonl"));
    }

    public void Write(PairRecord record, bool eval)
    {
        string? image = ImageOf(record);
        if (image is null)
        {
            _withoutImage++;
            return;
        }

        (eval ? _eval : _train).Write(record, image);
    }

    public SftSummary Commit()
    {
        _train.Commit();
        _eval.Commit();
        return new SftSummary(_train.Lines, _eval.Lines, _images, _byUrl, _withoutImage);
    }

    public void Dispose()
    {
        _train.Dispose();
        _eval.Dispose();
    }

    private string? ImageOf(PairRecord record)
    {
        if (record is { ImageBytes: { Length: > 0 } bytes, Sha256: { } sha256 })
        {
            string extension = Export.ExportNames.FileExtension(bytes);
            string relative = $"{ImagesFolder}/{sha256[..2]}/{sha256}.{extension}";
            string path = Path.Combine(_folder, relative);

            // 64 bits of the digest answer "written already?" for millions of images in little memory;
            // the rare prefix collision falls back to the file system.
            if (_written.Add(HexIds.Id64(sha256)) || !File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                AtomicFile.WriteAllBytes(path, bytes);
                _images++;
            }

            return relative;
        }

        string? url = IsWebUrl(record.ImagePath) ? record.ImagePath : IsWebUrl(record.Url) ? record.Url : null;
        if (url is not null)
        {
            _byUrl++;
        }

        return url;
    }

    private static bool IsWebUrl(string? value) =>
        value is not null && Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>One of <c>train.jsonl</c> and <c>eval.jsonl</c>: whole under its name once committed, absent otherwise.</summary>
    private sealed class Part(string path) : IDisposable
    {
        private readonly AtomicJsonLines _lines = new(path, LineOptions);

        public long Lines => _lines.Lines;

        public void Write(PairRecord record, string image) => _lines.WriteLine(json =>
        {
            json.WriteStartObject();
            json.WriteString("id", record.Key);
            json.WriteString("image", image);
            json.WriteString("lang", record.Lang);
            json.WriteString("source", record.Source);
            json.WriteStartArray("conversations");
            Turn(json, "human", SftInstructions.ImageToken + "\n" + SftInstructions.For(record.Lang, record.Script, record.Source));
            Turn(json, "gpt", record.Text);
            json.WriteEndArray();
            json.WriteEndObject();
        });

        public void Commit() => _lines.Commit();

        public void Dispose() => _lines.Dispose();

        private static void Turn(Utf8JsonWriter json, string from, string value)
        {
            json.WriteStartObject();
            json.WriteString("from", from);
            json.WriteString("value", value);
            json.WriteEndObject();
        }
    }
}
