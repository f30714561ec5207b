using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MellaPipeline.Input;

/// <summary>What a path names, after following symbolic links.</summary>
public enum UserFileKind
{
    Missing,
    RegularFile,
    Folder,

    /// <summary>A FIFO, a character or block device, a socket: reading one may never end or never start.</summary>
    Special,
}

/// <summary>Why a user file could not be read.</summary>
public enum UserFileFailure
{
    None,
    Missing,
    NotRegularFile,
    TooLarge,
    Unreadable,
}

/// <summary>The bytes of a user file, or why there are none (<see cref="Detail"/> is a short English phrase without the file's bytes).</summary>
public readonly record struct UserFileBytes(byte[]? Bytes, UserFileFailure Failure, string? Detail)
{
    public bool Ok => Bytes is not null;
}

/// <summary>
/// The one policy for reading files a user names (inputs, pipeline and targets files, images,
/// predictions): only regular files are opened, and only after their type was checked, because
/// opening a FIFO blocks until a writer appears and a device such as <c>/dev/zero</c> never ends;
/// whole-file reads stop at a byte cap whatever the file's size claims (devices and <c>/proc</c>
/// files report 0); lines are capped at <see cref="MaxLineBytes"/>. Failures are returned, never thrown.
/// </summary>
public static class UserFile
{
    /// <summary>The longest line any line-based reader buffers (longer lines are reported, not read).</summary>
    public const int MaxLineBytes = 1 << 20;

    /// <summary>The largest settings file (pipeline YAML, coverage targets) that is read.</summary>
    public const long MaxSettingsBytes = 1 << 20;

    /// <summary>What <paramref name="path"/> names, following symbolic links; never opens it.</summary>
    public static UserFileKind KindOf(string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return UserFileKind.Missing;
        }

        if (OperatingSystem.IsWindows())
        {
            return Directory.Exists(path) ? UserFileKind.Folder : File.Exists(path) ? UserFileKind.RegularFile : UserFileKind.Missing;
        }

        // FileSystemInfo.Attributes cannot tell a FIFO or a device from a regular file on Unix
        // (all are Normal), so ask stat(2) through the runtime's own native shim, whose FileStatus
        // layout is the same on every architecture.
        if (NativeStat.Stat(path, out var status) != 0)
        {
            return UserFileKind.Missing;
        }

        return (status.Mode & NativeStat.TypeMask) switch
        {
            NativeStat.RegularFile => UserFileKind.RegularFile,
            NativeStat.Directory => UserFileKind.Folder,
            _ => UserFileKind.Special,
        };
    }

    /// <summary>Null when <paramref name="path"/> is a regular file; otherwise why not, e.g. <c>not a regular file (a FIFO or device)</c>.</summary>
    public static string? NotRegularFile(string path) => KindOf(path) switch
    {
        UserFileKind.RegularFile => null,
        UserFileKind.Missing => "no such file",
        UserFileKind.Folder => "is a folder, not a file",
        _ => "not a regular file (a FIFO, device or socket)",
    };

    /// <summary>Opens a regular file for reading; anything else is a failure, and a FIFO is never opened.</summary>
    public static FileStream? OpenRead(string path, out UserFileFailure failure, out string? detail, int bufferSize = 1 << 12)
    {
        switch (KindOf(path))
        {
            case UserFileKind.Missing:
                (failure, detail) = (UserFileFailure.Missing, "no such file");
                return null;
            case UserFileKind.RegularFile:
                break;
            default:
                (failure, detail) = (UserFileFailure.NotRegularFile, NotRegularFile(path));
                return null;
        }

        try
        {
            (failure, detail) = (UserFileFailure.None, null);
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            (failure, detail) = (UserFileFailure.Unreadable, Unreadable(e));
            return null;
        }
    }

    /// <summary>
    /// Reads a whole regular file of at most <paramref name="maxBytes"/> bytes. The cap is enforced
    /// while reading: a file that grows, or whose size is not what it claims, stops at one byte more.
    /// </summary>
    public static UserFileBytes ReadAllBytes(string path, long maxBytes)
    {
        using var stream = OpenRead(path, out var failure, out var detail, bufferSize: 1);
        if (stream is null)
        {
            return new UserFileBytes(null, failure, detail);
        }

        try
        {
            long claimed = stream.Length;
            if (claimed > maxBytes)
            {
                return new UserFileBytes(null, UserFileFailure.TooLarge, $"{claimed} bytes > {maxBytes}");
            }

            // The usual case, a file as long as it claims: one array of that size, filled in place.
            var exact = new byte[claimed];
            int filled = 0;
            for (int n; filled < exact.Length && (n = stream.Read(exact, filled, exact.Length - filled)) > 0;)
            {
                filled += n;
            }

            int probe = filled < exact.Length ? -1 : stream.ReadByte();
            if (probe < 0)
            {
                return new UserFileBytes(filled == exact.Length ? exact : exact[..filled], UserFileFailure.None, null);
            }

            // Longer than it claimed (a file still growing, a /proc file that says 0): read on, counting against the cap.
            using var buffer = new MemoryStream();
            buffer.Write(exact, 0, filled);
            buffer.WriteByte((byte)probe);
            if (buffer.Length > maxBytes)
            {
                return new UserFileBytes(null, UserFileFailure.TooLarge, $"more than {maxBytes} bytes");
            }

            var chunk = new byte[1 << 16];
            int read;
            while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length))) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes)
                {
                    return new UserFileBytes(null, UserFileFailure.TooLarge, $"more than {maxBytes} bytes");
                }
            }

            return new UserFileBytes(buffer.ToArray(), UserFileFailure.None, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new UserFileBytes(null, UserFileFailure.Unreadable, Unreadable(e));
        }
    }

    /// <summary>A whole settings file as UTF-8 text (at most <see cref="MaxSettingsBytes"/>), or null with the problem.</summary>
    public static string? ReadAllText(string path, out string? problem, long maxBytes = MaxSettingsBytes)
    {
        var read = ReadAllBytes(path, maxBytes);
        if (!read.Ok)
        {
            problem = read.Failure == UserFileFailure.TooLarge ? $"larger than {maxBytes} bytes" : read.Detail;
            return null;
        }

        if (!System.Text.Unicode.Utf8.IsValid(read.Bytes))
        {
            problem = "not valid UTF-8 text";
            return null;
        }

        problem = null;
        return Decode(read.Bytes, first: true);
    }

    /// <summary>
    /// Every line of a regular file, blank ones included, numbered from 1: the text, or null with
    /// the problem (longer than <see cref="MaxLineBytes"/>, not valid UTF-8). A file that cannot be
    /// opened yields one line numbered 0 with the problem.
    /// </summary>
    public static IEnumerable<(int Number, string? Text, string? Problem)> ReadLines(string path)
    {
        if (NotRegularFile(path) is { } notRegular)
        {
            yield return (0, null, notRegular);
            yield break;
        }

        int number = 0;
        foreach (var line in LineRangeReader.ReadAsync([path], 0, 1, keepBlankLines: true).ToBlockingEnumerable())
        {
            number++;
            if (line.TooLong)
            {
                yield return (number, null, $"line longer than {MaxLineBytes} bytes");
            }
            else if (!System.Text.Unicode.Utf8.IsValid(line.Bytes.Span))
            {
                yield return (number, null, "line is not valid UTF-8");
            }
            else
            {
                yield return (number, Decode(line.Bytes, first: number == 1), null);
            }
        }
    }

    /// <summary>
    /// Every line of a regular file as <see cref="ReadLines"/> cuts them, or null with the problem
    /// (naming the line). A valid UTF-8 file of at most <paramref name="wholeFileBytes"/> is read
    /// and cut in one pass; any other, or one with a problem, is read line by line, which names
    /// the problem exactly.
    /// </summary>
    public static string[]? ReadAllLines(string path, long wholeFileBytes, out string? problem)
    {
        var read = ReadAllBytes(path, wholeFileBytes);
        if (read.Ok && System.Text.Unicode.Utf8.IsValid(read.Bytes) && CutLines(read.Bytes) is { } whole)
        {
            problem = null;
            return whole;
        }

        var lines = new List<string>();
        foreach (var (number, text, lineProblem) in ReadLines(path))
        {
            if (text is null)
            {
                problem = number == 0 ? lineProblem : $"line {number}: {lineProblem}";
                return null;
            }

            lines.Add(text);
        }

        problem = null;
        return [.. lines];
    }

    /// <summary>Valid UTF-8 cut as the line reader cuts it (\n, a \r before it dropped, the first line's BOM dropped); null when a line is too long.</summary>
    private static string[]? CutLines(ReadOnlyMemory<byte> bytes)
    {
        var lines = new List<string>();
        while (bytes.Length > 0)
        {
            int end = bytes.Span.IndexOf((byte)'\n');
            var line = end < 0 ? bytes : bytes[..end];
            if (line.Length > MaxLineBytes)
            {
                return null;
            }

            lines.Add(Decode(line.Span.EndsWith("\r"u8) ? line[..^1] : line, first: lines.Count == 0));
            bytes = end < 0 ? default : bytes[(end + 1)..];
        }

        return [.. lines];
    }

    /// <summary>
    /// User-given text as it may appear in a message (a path can be megabytes long): at most
    /// <paramref name="maxChars"/> characters and an ellipsis, control characters and unpaired
    /// surrogates escaped as <c>\uXXXX</c> so the message stays one printable line.
    /// </summary>
    public static string Excerpt(string text, int maxChars = 256)
    {
        int cut = text.Length <= maxChars ? text.Length : char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        var excerpt = new StringBuilder(cut + 1);
        for (int i = 0; i < cut; i++)
        {
            char c = text[i];
            bool paired = char.IsHighSurrogate(c) ? i + 1 < cut && char.IsLowSurrogate(text[i + 1])
                : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]);
            if (char.IsControl(c) || (char.IsSurrogate(c) && !paired))
            {
                excerpt.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                excerpt.Append(c);
            }
        }

        return cut < text.Length ? excerpt.Append('…').ToString() : excerpt.ToString();
    }

    /// <summary>UTF-8 text, without the byte order mark some editors put at the start of a file.</summary>
    private static string Decode(ReadOnlyMemory<byte> bytes, bool first) =>
        Encoding.UTF8.GetString(first && bytes.Span.StartsWith("\uFEFF"u8) ? bytes.Span[3..] : bytes.Span);

    /// <summary>The system's reason (permission denied, I/O error) without the .NET exception's wording around it.</summary>
    private static string Unreadable(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "path too long",
        _ => $"cannot read ({e.Message.Split(':')[0].Trim().TrimEnd('.')})",
    };

    /// <summary>
    /// statx(2) from libc: .NET reports FIFOs and devices as ordinary files, and its own stat is
    /// internal to the runtime. statx's struct has the same layout on every architecture (unlike
    /// stat's), and it is asked for the file type only; it follows symlinks and never opens the file.
    /// </summary>
    private static class NativeStat
    {
        public const int TypeMask = 0xF000;
        public const int Directory = 0x4000;
        public const int RegularFile = 0x8000;
        private const int CurrentDirectory = -100; // AT_FDCWD
        private const uint TypeOnly = 0x1; // STATX_TYPE

        /// <summary>struct statx: 256 bytes; <c>stx_mode</c> (file type and permissions) at byte 28.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 256)]
        public struct StatxBuffer
        {
            [FieldOffset(28)]
            public ushort Mode;
        }

        public static int Stat(string path, out StatxBuffer status) => statx(CurrentDirectory, path, 0, TypeOnly, out status);

        [DllImport("libc", EntryPoint = "statx")]
        private static extern int statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer status);
    }
}
