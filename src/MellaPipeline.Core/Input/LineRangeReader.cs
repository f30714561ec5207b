using System.Buffers;
using System.IO.Enumeration;

namespace MellaPipeline.Input;

/// <summary>One line of an input file, without its line break, and the byte offset it starts at.</summary>
public readonly record struct InputLine(string File, long Offset, ReadOnlyMemory<byte> Bytes, bool TooLong);

/// <summary>
/// Splits line-oriented input files among the tasks of a run without reading them twice: the files
/// are laid end to end, the whole is cut into <c>world_size</c> equal byte ranges, and a task owns
/// every line that <em>starts</em> inside its range. Each line belongs to exactly one task, a task
/// reads little more than its own share, and the split does not depend on how many lines there are.
/// </summary>
public static class LineRangeReader
{
    /// <summary>Lines longer than this are reported (as <see cref="InputLine.TooLong"/>) instead of buffered.</summary>
    public const int MaxLineBytes = UserFile.MaxLineBytes;

    /// <summary>How deep a folder walk goes below the folder named; deeper entries are not read.</summary>
    public const int MaxFolderDepth = 16;

    /// <summary>
    /// Expands folders to their <c>*.jsonl</c> regular files (see <see cref="RegularFilesUnder"/>:
    /// FIFOs, devices and sockets are skipped, links to folders not followed, the walk stops
    /// <see cref="MaxFolderDepth"/> levels down) and orders everything by ordinal path.
    /// </summary>
    public static IReadOnlyList<string> ExpandInputs(IEnumerable<string> paths, string pattern = "*.jsonl")
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(RegularFilesUnder(path, pattern));
            }
            else
            {
                files.Add(path);
            }
        }

        return files.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The regular files matching <paramref name="pattern"/> in a folder walk at most
    /// <see cref="MaxFolderDepth"/> deep that does not follow links to folders (a link loop would
    /// list every file again at each level), unordered.
    /// </summary>
    public static IEnumerable<string> RegularFilesUnder(string folder, string pattern)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            MaxRecursionDepth = MaxFolderDepth,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.None,
        };
        var walk = new FileSystemEnumerable<string>(folder, (ref FileSystemEntry entry) => entry.ToFullPath(), options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory && FileSystemName.MatchesSimpleExpression(pattern, entry.FileName),
            ShouldRecursePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        return walk.Where(f => UserFile.KindOf(f) == UserFileKind.RegularFile);
    }

    /// <summary>
    /// The lines of this task's share. Only regular files are read (anything else counts as empty,
    /// and is refused earlier by the pipeline loader); blank lines are skipped unless
    /// <paramref name="keepBlankLines"/>.
    /// </summary>
    public static async IAsyncEnumerable<InputLine> ReadAsync(
        IReadOnlyList<string> files, int rank, int worldSize, bool keepBlankLines = false,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (file, lo, hi) in ByteRanges(files, rank, worldSize))
        {
            await foreach (var line in ReadRangeAsync(file, lo, hi, keepBlankLines, cancellationToken))
            {
                yield return line;
            }
        }
    }

    /// <summary>
    /// This task's share of <paramref name="files"/> laid end to end: per file the byte range
    /// [<c>Lo</c>, <c>Hi</c>) within it (files it has no share of are left out). A record belongs to
    /// the range it starts in.
    /// </summary>
    public static IEnumerable<(string File, long Lo, long Hi)> ByteRanges(IReadOnlyList<string> files, int rank, int worldSize)
    {
        var sizes = files.Select(f => UserFile.KindOf(f) == UserFileKind.RegularFile ? new FileInfo(f).Length : 0).ToArray();
        long total = sizes.Sum();
        long begin = Share(total, rank, worldSize);
        long end = Share(total, rank + 1, worldSize);
        long fileStart = 0;
        for (int i = 0; i < files.Count; i++)
        {
            long fileEnd = fileStart + sizes[i];
            long lo = Math.Max(begin, fileStart) - fileStart;
            long hi = Math.Min(end, fileEnd) - fileStart;
            if (lo < hi)
            {
                yield return (files[i], lo, hi);
            }

            fileStart = fileEnd;
        }
    }

    /// <summary>Where share <paramref name="rank"/> of <paramref name="total"/> items split <paramref name="worldSize"/> ways begins.</summary>
    public static long Share(long total, int rank, int worldSize) =>
        (long)(total * (System.Numerics.BigInteger)rank / worldSize);

    /// <summary>The lines of one file that start in bytes [<paramref name="lo"/>, <paramref name="hi"/>).</summary>
    public static async IAsyncEnumerable<InputLine> ReadRangeAsync(
        string file, long lo, long hi, bool keepBlankLines, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = UserFile.OpenRead(file, out var failure, out string? detail, bufferSize: 1);
        if (stream is null)
        {
            // A file that cannot be read stops the run as before (its lines would be lost silently);
            // one that is no longer a regular file (the loader refuses those) counts as empty.
            if (failure == UserFileFailure.Unreadable)
            {
                throw new IOException($"{file}: {detail}");
            }

            yield break;
        }

        // A line starting before lo belongs to the previous range: start after the first line
        // break at or after lo - 1.
        long position = lo == 0 ? 0 : lo - 1;
        stream.Seek(position, SeekOrigin.Begin);
        await foreach (var line in ReadLinesAsync(stream, file, position, skipping: lo != 0, hi, keepBlankLines, cancellationToken))
        {
            yield return line;
        }
    }

    /// <summary>
    /// Every line of <paramref name="stream"/> from where it stands to its end (a decompressing
    /// stream, which cannot seek), capped as every line-based reader is; offsets count the bytes read.
    /// </summary>
    public static IAsyncEnumerable<InputLine> ReadStreamAsync(Stream stream, string file, bool keepBlankLines, CancellationToken cancellationToken) =>
        ReadLinesAsync(stream, file, 0, skipping: false, long.MaxValue, keepBlankLines, cancellationToken);

    private static async IAsyncEnumerable<InputLine> ReadLinesAsync(
        Stream stream, string file, long position, bool skipping, long hi, bool keepBlankLines,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        byte[] line = ArrayPool<byte>.Shared.Rent(1 << 12);
        try
        {
            long lineStart = position;
            int lineLength = 0;
            bool tooLong = false;

            while (true)
            {
                int read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                for (int i = 0; i < read; i++, position++)
                {
                    byte b = buffer[i];
                    if (skipping)
                    {
                        if (b == (byte)'\n')
                        {
                            skipping = false;
                            lineStart = position + 1;
                        }

                        continue;
                    }

                    if (lineStart >= hi)
                    {
                        yield break;
                    }

                    if (b == (byte)'\n')
                    {
                        if (TryMake(file, lineStart, line, lineLength, tooLong, keepBlankLines, out var made))
                        {
                            yield return made;
                        }

                        lineStart = position + 1;
                        lineLength = 0;
                        tooLong = false;
                        continue;
                    }

                    if (tooLong)
                    {
                        continue;
                    }

                    if (lineLength == MaxLineBytes)
                    {
                        tooLong = true;
                        continue;
                    }

                    if (lineLength == line.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(line.Length * 2, MaxLineBytes));
                        line.AsSpan(0, lineLength).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(line);
                        line = bigger;
                    }

                    line[lineLength++] = b;
                }
            }

            if (!skipping && lineStart < hi && TryMake(file, lineStart, line, lineLength, tooLong, keepBlankLines, out var last))
            {
                yield return last;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(line);
        }
    }

    private static bool TryMake(string file, long start, byte[] line, int length, bool tooLong, bool keepBlank, out InputLine made)
    {
        if (length > 0 && line[length - 1] == (byte)'\r')
        {
            length--;
        }

        bool blank = !tooLong && line.AsSpan(0, length).Trim(" \t"u8).IsEmpty;
        made = new InputLine(file, start, tooLong ? ReadOnlyMemory<byte>.Empty : line.AsSpan(0, length).ToArray(), tooLong);
        return keepBlank || !blank;
    }
}
