using MellaPipeline.Records;
using MellaPipeline.Runs;

namespace MellaPipeline.Datasets.Export;

/// <summary>
/// A Hugging Face <c>imagefolder</c> layout in a folder: <c>images/AB/KEY.jpg</c>… (the stored bytes, spread over 256
/// sub-folders by <see cref="ExportNames.ImageBucket"/>) and <c>metadata.jsonl</c>, one line per row with an image —
/// <c>file_name</c> (the image's path relative to the file, as <c>imagefolder</c> requires) then every column but the
/// bytes (<see cref="RowJson"/>) — so <c>load_dataset("imagefolder", data_dir=DIR)</c> gives each row its image and
/// columns. <c>imagefolder</c> needs every metadata line to name a file, so rows stored by reference (no bytes) go to
/// <c>references.jsonl</c> instead, the same fields with <c>file_name</c> null and their <c>url</c>; the file is written
/// only when there is such a row. Images are written plainly, and <see cref="Commit"/> puts them on disk with one
/// flush of the file system: the folder is the export's staging folder, which appears under its final name only
/// when whole (<see cref="DatasetExporter"/>), so a file needs no temporary name of its own.
/// </summary>
public sealed class ImageFolderWriter : IDisposable
{
    public const string MetadataFile = "metadata.jsonl";
    public const string ReferencesFile = "references.jsonl";
    public const string ImagesFolder = "images";

    private readonly string _folder;
    private readonly AtomicJsonLines _metadata;
    private readonly HashSet<string> _buckets = [];
    private AtomicJsonLines? _references;

    public ImageFolderWriter(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(Path.Combine(folder, ImagesFolder));
        _metadata = new AtomicJsonLines(Path.Combine(folder, MetadataFile), RowJson.Options);
    }

    public long Images => _metadata.Lines;

    public long ByReference => _references?.Lines ?? 0;

    /// <summary>Bytes of the images written.</summary>
    public long ImageBytes { get; private set; }

    public void Write(PairRecord record)
    {
        if (ExportNames.StoredImage(record) is not { } image)
        {
            _references ??= new AtomicJsonLines(Path.Combine(_folder, ReferencesFile), RowJson.Options);
            _references.WriteLine(json => Line(json, null, record));
            return;
        }

        string key = ExportNames.SampleKey(record.Key), bucket = ExportNames.ImageBucket(key);
        if (_buckets.Add(bucket))
        {
            Directory.CreateDirectory(Path.Combine(_folder, ImagesFolder, bucket));
        }

        string fileName = $"{ImagesFolder}/{bucket}/{key}.{ExportNames.FileExtension(image)}";
        File.WriteAllBytes(Path.Combine(_folder, fileName), image);
        ImageBytes += image.Length;
        _metadata.WriteLine(json => Line(json, fileName, record));
    }

    /// <summary>Closes the JSONL files and flushes them and every image to disk.</summary>
    public void Commit()
    {
        _metadata.Commit();
        _references?.Commit();
        FileSystemFlush.Flush(Path.Combine(_folder, MetadataFile));
    }

    public void Dispose()
    {
        _metadata.Dispose();
        _references?.Dispose();
    }

    private static void Line(System.Text.Json.Utf8JsonWriter json, string? fileName, PairRecord record)
    {
        json.WriteStartObject();
        json.WriteString("file_name", fileName);
        RowJson.WriteColumns(json, record);
        json.WriteEndObject();
    }
}
