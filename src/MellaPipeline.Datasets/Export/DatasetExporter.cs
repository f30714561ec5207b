using System.Text.RegularExpressions;
using MellaPipeline.Datasets.Splits;
using MellaPipeline.Json;
using MellaPipeline.Parquet;
using MellaPipeline.Runs;
using MellaPipeline.Runtime;

namespace MellaPipeline.Datasets.Export;

/// <summary>What one part (the dataset, or a side of a split) became.</summary>
public sealed record ExportPart(string Name, long Rows, long Images, long ByReference, long Bytes, IReadOnlyList<TarShard> Tars);

/// <summary>What <c>mella export</c> wrote, or why the dataset or the output folder was refused (then nothing was written).</summary>
public sealed record ExportJob(string Out, ExportFormat Format, IReadOnlyList<ExportPart>? Parts, string? DatasetProblem, string? OutputProblem)
{
    public long Rows => Parts?.Sum(p => p.Rows) ?? 0;

    /// <summary>The summary line: rows, tars (or images), bytes, where.</summary>
    public string Describe() => Format == ExportFormat.WebDataset
        ? FormattableString.Invariant($"exported {Rows:N0} rows into {Parts!.Sum(p => p.Tars.Count):N0} tar(s) ({Parts!.Sum(p => p.Bytes):N0} bytes; {Parts!.Sum(p => p.ByReference):N0} by reference): {Out}")
        : FormattableString.Invariant($"exported {Rows:N0} rows, {Parts!.Sum(p => p.Images):N0} images ({Parts!.Sum(p => p.Bytes):N0} bytes; {Parts!.Sum(p => p.ByReference):N0} by reference): {Out}");
}

/// <summary>
/// <c>mella export</c>: every row of a dataset (caption layers' rows included) that the filter keeps, once, into
/// WebDataset tars or an <c>imagefolder</c> layout; a <c>mella split</c> output into <c>train/</c> and <c>eval/</c>.
/// Streams row group by row group (<see cref="ShardReader.ReadAsync"/>): memory holds one row group, never the dataset.
/// </summary>
public static partial class DatasetExporter
{
    public const string IndexFile = "index.json";

    /// <summary>
    /// Finds the dataset's shards and opens the first before the output folder is created or emptied (a refused export
    /// leaves nothing behind), then exports, showing progress per shard through <paramref name="showProgress"/>. A
    /// shard found broken only while it is read takes the folder this export made with it.
    /// </summary>
    public static async Task<ExportJob> RunAsync(string dataset, string outDir, ExportSettings settings, bool overwrite,
        Func<RunProgress, IAsyncDisposable> showProgress, CancellationToken cancellationToken)
    {
        IReadOnlyList<DatasetPart> parts;
        try
        {
            parts = DatasetParts.Find(dataset);
            foreach (string first in parts.Where(p => p.Shards.Count > 0).Select(p => p.Shards[0]))
            {
                var (_, _, version) = await ShardReader.ReadMetadataAsync(first, cancellationToken);
                if (version != ShardSchema.Version)
                {
                    throw new InvalidDataException($"{first}: shard schema version '{version}', this mella reads version {ShardSchema.Version}");
                }
            }
        }
        catch (Exception e) when (Datasets.DatasetProblem.Is(e))
        {
            return new ExportJob(outDir, settings.Format, null, Datasets.DatasetProblem.Describe(dataset, e), null);
        }

        bool created = !Directory.Exists(outDir);
        if (OutputFolder.Prepare(outDir, overwrite, IsOwnOutput, "export") is { } refusal)
        {
            return new ExportJob(outDir, settings.Format, null, null, refusal);
        }

        try
        {
            var progress = new RunProgress(parts.Sum(p => p.Shards.Count), 0);
            var written = new List<ExportPart>();
            await using (showProgress(progress))
            {
                int shardIndex = 0;
                foreach (var part in parts)
                {
                    string folder = Path.Combine(outDir, part.Name);
                    Directory.CreateDirectory(folder);
                    written.Add(await ExportPartAsync(part, folder, settings, progress, shardIndex, cancellationToken));
                    shardIndex += part.Shards.Count;
                }
            }

            return new ExportJob(outDir, settings.Format, written, null, null);
        }
        catch (Exception e) when (Datasets.DatasetProblem.Is(e))
        {
            if (created)
            {
                Directory.Delete(outDir, recursive: true);
            }

            return new ExportJob(outDir, settings.Format, null, Datasets.DatasetProblem.Describe(dataset, e), null);
        }
    }

    /// <summary>What an export writes into its folder (or left half-written under a temporary name): the only entries <c>--overwrite</c> removes.</summary>
    public static bool IsOwnOutput(string entry) => IsOwnFinalOutput(entry.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal) ? entry[..^AtomicFile.TempSuffix.Length] : entry);

    private static bool IsOwnFinalOutput(string entry) =>
        entry is IndexFile or ImageFolderWriter.MetadataFile or ImageFolderWriter.ReferencesFile or ImageFolderWriter.ImagesFolder
            or DatasetSplitter.TrainFolder or DatasetSplitter.EvalFolder
        || TarName().IsMatch(entry);

    private static async Task<ExportPart> ExportPartAsync(
        DatasetPart part, string folder, ExportSettings settings, RunProgress progress, int firstShard, CancellationToken cancellationToken)
    {
        long rows = 0;
        if (settings.Format == ExportFormat.Jsonl)
        {
            using var images = new ImageFolderWriter(folder);
            await ForEachRowAsync(part, settings.Filter, progress, firstShard, record =>
            {
                images.Write(record);
                rows++;
                return Task.CompletedTask;
            }, cancellationToken);
            images.Commit();
            return new ExportPart(part.Name, rows, images.Images, images.ByReference, images.ImageBytes, []);
        }

        await using var tars = new WebDatasetWriter(folder, settings.MaxSamples, settings.MaxBytes);
        await ForEachRowAsync(part, settings.Filter, progress, firstShard, async record =>
        {
            await tars.WriteAsync(record, cancellationToken);
            rows++;
        }, cancellationToken);
        await tars.CompleteAsync();
        WriteIndex(folder, part.Name, tars.Shards);
        return new ExportPart(part.Name, rows, tars.ImageMembers, tars.ByReference, tars.Shards.Sum(s => s.FileSize), tars.Shards);
    }

    private static async Task ForEachRowAsync(
        DatasetPart part, RowFilter filter, RunProgress progress, int firstShard, Func<Records.PairRecord, Task> write, CancellationToken cancellationToken)
    {
        for (int s = 0; s < part.Shards.Count; s++)
        {
            var counters = new PipelineCounters();
            var exported = counters.For("export");
            progress.Started(firstShard + s, counters);
            await foreach (var record in ShardReader.ReadAsync(part.Shards[s], cancellationToken))
            {
                exported.CountIn();
                if (filter.Matches(column => column.Property.GetValue(record)))
                {
                    await write(record);
                    exported.CountOk();
                }
            }

            progress.Finished(firstShard + s, ranNow: true);
        }
    }

    /// <summary>
    /// <c>index.json</c> in the shape of webdataset's <c>wids</c> shard index (<c>__kind__</c>, <c>wids_version</c>,
    /// <c>shardlist</c> of <c>url</c> relative to the index, <c>nsamples</c>, <c>filesize</c>), each tar with its SHA-256 too.
    /// </summary>
    private static void WriteIndex(string folder, string name, IReadOnlyList<TarShard> tars)
    {
        var index = new System.Text.Json.Nodes.JsonObject
        {
            ["__kind__"] = "wids-shard-index-v1",
            ["wids_version"] = 1,
            ["name"] = name.Length == 0 ? "mella" : name,
            ["nsamples"] = tars.Sum(t => t.NSamples),
            ["filesize"] = tars.Sum(t => t.FileSize),
            ["shardlist"] = new System.Text.Json.Nodes.JsonArray(tars.Select(t => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
            {
                ["url"] = t.Url,
                ["nsamples"] = t.NSamples,
                ["filesize"] = t.FileSize,
                ["sha256"] = t.Sha256,
            }).ToArray()),
        };
        AtomicFile.WriteAllBytes(Path.Combine(folder, IndexFile), System.Text.Encoding.UTF8.GetBytes(index.ToJsonString(MellaJson.Indented)));
    }

    [GeneratedRegex(@"^shard-[0-9]{6}\.tar$")]
    private static partial Regex TarName();
}
