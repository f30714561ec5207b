using MellaPipeline.Dedup;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MellaPipeline.Images;
using MellaPipeline.Input;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella dedup --hashes FILE [--threshold N] [--out FILE]</c>: near-duplicate clusters over precomputed hashes.</summary>
public static class DedupCommand
{
    /// <summary>Largest <c>--threshold</c> the exact search of <see cref="NearDuplicateIndex"/> takes.</summary>
    private const int MaxThreshold = 32;

    public static Command Build()
    {
        var images = new Option<DirectoryInfo?>("--images")
        {
            Description = "A folder of images (JPEG, PNG, GIF, WebP; read recursively, in path order) to hash and cluster.",
        };
        var hashes = new Option<FileInfo?>("--hashes")
        {
            Description = "Precomputed hashes, one \"HEX16<TAB>ID\" line each (as `mella phash` prints them, path as the ID).",
        };
        var threshold = new Option<int>("--threshold", "-t")
        {
            Description = "Largest Hamming distance (of 64 bits) between near duplicates. Every pair within it is found: the search is exact.",
            DefaultValueFactory = _ => Config.DedupNearOptions.DefaultThreshold,
        }.WholeNumber(0, MaxThreshold);
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the JSONL here instead of standard output." }.OutputFile();
        var command = new Command("dedup",
            "Near-duplicate clusters: one JSON object per input, in input order. With --hashes: {\"id\", \"cluster\", \"keep\"}; the cluster is named by the ID " +
            "of its first member in input order, which is the one kept. With --images: {\"path\", \"cluster\", \"keep\"}; the kept image is the largest " +
            "(width × height), then the first in path order, and names the cluster. Hashes within the threshold (directly or through a chain) share a cluster. " +
            "Lines that are not \"HEX16<TAB>ID\" and images that cannot be decoded are reported on stderr and skipped, and the exit code is then 1.")
        {
            images,
            hashes,
            threshold,
            output,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(hashes);
            var folder = parse.GetValue(images);
            int limit = parse.GetValue(threshold);
            if ((file is null) == (folder is null))
            {
                await Console.Error.WriteLineAsync("mella dedup: give either --images DIR or --hashes FILE");
                return ExitCodes.BadInput;
            }

            if (folder is not null)
            {
                return await DedupImagesAsync(folder, limit, parse.GetValue(output), cancellationToken);
            }

            if (UserFile.NotRegularFile(file!.FullName) is { } unusable)
            {
                await Console.Error.WriteLineAsync($"mella dedup: --hashes {file}: {unusable}");
                return ExitCodes.BadInput;
            }

            var clock = Stopwatch.StartNew();
            var input = HashList.Read(file.FullName, out var problems);
            foreach (var problem in problems.Take(10))
            {
                await Console.Error.WriteLineAsync($"mella dedup: {file}:{problem}");
            }

            if (problems.Count > 10)
            {
                await Console.Error.WriteLineAsync($"mella dedup: {file}: {problems.Count - 10} more bad lines");
            }

            var roots = NearDuplicateIndex.Cluster(input.Hashes.AsSpan(0, input.Count), limit);
            await using (var stream = parse.GetValue(output) is { } outFile ? File.Create(outFile.FullName) : Console.OpenStandardOutput())
            {
                var buffered = new BufferedStream(stream, 1 << 20);
                for (int i = 0; i < input.Count; i++)
                {
                    WriteRecord(buffered, "{\"id\":"u8, input.Id(i), input.Id(roots[i]), roots[i] == i);
                }

                await buffered.FlushAsync(cancellationToken);
            }

            int clusters = 0;
            for (int i = 0; i < input.Count; i++)
            {
                clusters += roots[i] == i ? 1 : 0;
            }

            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"mella dedup: {input.Count:N0} hashes, {clusters:N0} clusters, {input.Count - clusters:N0} near duplicates at threshold {limit} ({clock.Elapsed.TotalSeconds:F1} s)"));
            return problems.Count == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".gif", ".webp"];

    private static async Task<int> DedupImagesAsync(DirectoryInfo folder, int limit, FileInfo? outFile, CancellationToken cancellationToken)
    {
        if (!folder.Exists)
        {
            await Console.Error.WriteLineAsync($"mella dedup: --images {folder}: no such folder");
            return ExitCodes.BadInput;
        }

        var paths = LineRangeReader.RegularFilesUnder(folder.FullName, "*")
            .Where(p => ImageExtensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var results = new Imaging.ImageHashResult[paths.Length];
        await Parallel.ForAsync(0, paths.Length, cancellationToken, (i, _) =>
        {
            results[i] = PhashCommand.HashFile(paths[i]);
            return ValueTask.CompletedTask;
        });

        var hashed = Enumerable.Range(0, paths.Length).Where(i => results[i].Hash is not null).ToArray();
        foreach (int i in Enumerable.Range(0, paths.Length).Where(i => results[i].Hash is null))
        {
            await Console.Error.WriteLineAsync($"mella dedup: {paths[i]}: {results[i].Reason}");
        }

        var roots = NearDuplicateIndex.Cluster(hashed.Select(i => results[i].Hash!.Value).ToArray(), limit);
        // Keep the largest image of each cluster (then the first path), and name the cluster by it.
        var keeper = new Dictionary<int, int>();
        for (int k = 0; k < hashed.Length; k++)
        {
            long pixels = (long)results[hashed[k]].Width * results[hashed[k]].Height;
            if (!keeper.TryGetValue(roots[k], out int best) || pixels > (long)results[hashed[best]].Width * results[hashed[best]].Height)
            {
                keeper[roots[k]] = k;
            }
        }

        await using (var stream = outFile is null ? Console.OpenStandardOutput() : File.Create(outFile.FullName))
        {
            var buffered = new BufferedStream(stream, 1 << 16);
            byte[] Relative(int index) => Encoding.UTF8.GetBytes(Path.GetRelativePath(folder.FullName, paths[hashed[index]]));
            for (int k = 0; k < hashed.Length; k++)
            {
                int kept = keeper[roots[k]];
                WriteRecord(buffered, "{\"path\":"u8, Relative(k), Relative(kept), kept == k);
            }

            await buffered.FlushAsync(cancellationToken);
        }

        await Console.Error.WriteLineAsync($"mella dedup: {paths.Length} images, {hashed.Length} hashed, {keeper.Count} clusters at threshold {limit}");
        return hashed.Length == paths.Length ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    /// <summary>One output line: <c>{"id"|"path": …, "cluster": …, "keep": …}</c>.</summary>
    private static void WriteRecord(Stream output, ReadOnlySpan<byte> opening, ReadOnlySpan<byte> id, ReadOnlySpan<byte> cluster, bool keep)
    {
        output.Write(opening);
        WriteJsonString(output, id);
        output.Write(",\"cluster\":"u8);
        WriteJsonString(output, cluster);
        output.Write(keep ? ",\"keep\":true}\n"u8 : ",\"keep\":false}\n"u8);
    }

    /// <summary>Writes UTF-8 text as a JSON string: as it is unless it holds a quote, a backslash or a control character.</summary>
    private static void WriteJsonString(Stream output, ReadOnlySpan<byte> utf8)
    {
        output.WriteByte((byte)'"');
        if (utf8.IndexOfAny("\"\\"u8) < 0 && utf8.IndexOfAnyInRange((byte)0, (byte)0x1F) < 0)
        {
            output.Write(utf8);
        }
        else
        {
            var encoded = JsonEncodedText.Encode(utf8, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
            output.Write(encoded.EncodedUtf8Bytes);
        }

        output.WriteByte((byte)'"');
    }

    /// <summary>Hashes and their IDs, the IDs kept as UTF-8 in one buffer (millions of lines without millions of strings).</summary>
    private sealed class HashList
    {
        /// <summary>A hash line is 16 hex digits, a tab and an id; anything longer than this is not one.</summary>
        private const int MaxLineBytes = 4 << 20;

        private byte[] _ids = new byte[1 << 20];
        private int _idsLength;
        private int[] _idStarts = new int[1024];

        public ulong[] Hashes { get; private set; } = new ulong[1024];

        public int Count { get; private set; }

        public ReadOnlySpan<byte> Id(int index) => _ids.AsSpan(_idStarts[index], _idStarts[index + 1] - _idStarts[index]);

        public static HashList Read(string path, out List<string> problems)
        {
            var list = new HashList();
            problems = [];
            int lineNumber = 0;
            foreach (var (line, tooLong) in ByteLines(path))
            {
                lineNumber++;
                if (tooLong)
                {
                    problems.Add($"{lineNumber}: line longer than {MaxLineBytes} bytes");
                    continue;
                }

                var bytes = line.Span;
                if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
                {
                    bytes = bytes[..^1];
                }

                if (bytes.Length == 0)
                {
                    continue;
                }

                if (bytes.Length < 18 || bytes[16] != (byte)'\t'
                    || !ulong.TryParse(bytes[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hash)
                    || !System.Text.Unicode.Utf8.IsValid(bytes[17..]))
                {
                    string text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 40)]);
                    problems.Add($"{lineNumber}: expected HEX16<TAB>ID, got \"{text}{(bytes.Length > 40 ? "…" : "")}\"");
                    continue;
                }

                list.Add(hash, bytes[17..]);
            }

            list._idStarts[list.Count] = list._idsLength;
            return list;
        }

        /// <summary>
        /// The file's lines as bytes, without their line feeds (a 4 MiB buffer, no string per line). A
        /// line longer than the buffer comes once as too long and its bytes are dropped up to the next
        /// line feed, so that a file without one (a device) cannot grow the buffer without end.
        /// </summary>
        private static IEnumerable<(ReadOnlyMemory<byte> Line, bool TooLong)> ByteLines(string path)
        {
            using var stream = UserFile.OpenRead(path, out _, out _, bufferSize: 1);
            if (stream is null)
            {
                yield break;
            }

            var buffer = new byte[MaxLineBytes];
            int filled = 0;
            bool skipping = false;
            while (true)
            {
                int read = stream.Read(buffer, filled, buffer.Length - filled);
                filled += read;
                int start = 0;
                while (true)
                {
                    int newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                    if (newline < 0)
                    {
                        break;
                    }

                    if (!skipping)
                    {
                        yield return (buffer.AsMemory(start, newline - start), false);
                    }

                    skipping = false;
                    start = newline + 1;
                }

                if (read == 0)
                {
                    if (start < filled && !skipping)
                    {
                        yield return (buffer.AsMemory(start, filled - start), false);
                    }

                    yield break;
                }

                Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
                if (filled == buffer.Length)
                {
                    if (!skipping)
                    {
                        yield return (ReadOnlyMemory<byte>.Empty, true);
                    }

                    skipping = true;
                    filled = 0;
                }
            }
        }

        private void Add(ulong hash, ReadOnlySpan<byte> id)
        {
            if (Count + 1 >= _idStarts.Length)
            {
                Array.Resize(ref _idStarts, _idStarts.Length * 2);
                var hashes = Hashes;
                Array.Resize(ref hashes, _idStarts.Length);
                Hashes = hashes;
            }

            if (_idsLength + id.Length > _ids.Length)
            {
                Array.Resize(ref _ids, Math.Max(_ids.Length * 2, _idsLength + id.Length));
            }

            Hashes[Count] = hash;
            _idStarts[Count] = _idsLength;
            id.CopyTo(_ids.AsSpan(_idsLength));
            _idsLength += id.Length;
            Count++;
        }
    }
}
