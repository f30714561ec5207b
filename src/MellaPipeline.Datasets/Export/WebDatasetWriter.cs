using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using MellaPipeline.Records;
using MellaPipeline.Runs;

namespace MellaPipeline.Datasets.Export;

/// <summary>One tar a WebDataset export wrote, as <c>index.json</c> lists it.</summary>
public sealed record TarShard(string Url, long NSamples, long FileSize, string Sha256);

/// <summary>
/// WebDataset tars <c>shard-000000.tar</c>, … in a folder: each row one sample of adjacent members in name order —
/// <c>KEY.jpg</c>/<c>.png</c>/<c>.gif</c>/<c>.webp</c> (the stored bytes exactly; none for a row stored by reference),
/// <c>KEY.json</c> (<see cref="RowJson"/>), <c>KEY.txt</c> (the caption, UTF-8) — in POSIX ustar with a fixed
/// modification time, owner 0:0 and mode 0644, so the same dataset gives byte-identical tars. A tar holds at most
/// <c>maxSamples</c> samples and <c>maxBytes</c> bytes (a single sample larger than that gets a tar of its own); a
/// sample never straddles two. Each tar is written under a temporary name, hashed as it is written, and renamed
/// when closed.
/// </summary>
public sealed class WebDatasetWriter(string folder, long maxSamples, long maxBytes) : IAsyncDisposable
{
    /// <summary>Tar blocks are 512 bytes; an archive ends with two zero blocks.</summary>
    private const int Block = 512;
    private const int EndOfArchive = 2 * Block;

    /// <summary>The fixed modification time of every member (the Unix epoch): tars must not depend on when they were written.</summary>
    private static readonly DateTimeOffset FixedTime = DateTimeOffset.UnixEpoch;

    private const UnixFileMode FileMode0644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly List<TarShard> _written = [];
    private OpenTar? _current;

    public IReadOnlyList<TarShard> Shards => _written;

    public long ImageMembers { get; private set; }

    public long ByReference { get; private set; }

    public async Task WriteAsync(PairRecord record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string key = ExportNames.SampleKey(record.Key);
        byte[]? image = ExportNames.StoredImage(record);
        var members = new List<(string Name, byte[] Data)>(3)
        {
            ($"{key}.json", RowJson.Document(record)),
            ($"{key}.txt", Encoding.UTF8.GetBytes(record.Text)),
        };
        if (image is not null)
        {
            members.Add(($"{key}.{ExportNames.FileExtension(image)}", image));
            ImageMembers++;
        }
        else
        {
            ByReference++;
        }

        members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        long size = members.Sum(m => Block + RoundUp(m.Data.Length));
        if (_current is { } open && (open.Samples >= maxSamples || open.Bytes + size + EndOfArchive > maxBytes))
        {
            await CloseCurrentAsync();
        }

        _current ??= new OpenTar(Path.Combine(folder, $"shard-{_written.Count:D6}.tar"));
        foreach (var (name, data) in members)
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
            {
                ModificationTime = FixedTime,
                Mode = FileMode0644,
                Uid = 0,
                Gid = 0,
                DataStream = new MemoryStream(data, writable: false),
            };
            // Synchronous: the members are in memory already, and the file's 64 KB buffer turns the writer's small
            // header and padding writes into large ones; async adds a state machine per write and nothing to wait on.
            _current.Tar.WriteEntry(entry);
        }

        _current.Samples++;
        _current.Bytes += size;
    }

    /// <summary>Closes and renames the last tar.</summary>
    public async Task CompleteAsync() => await CloseCurrentAsync();

    public async ValueTask DisposeAsync()
    {
        // An export that failed leaves no tar under a final name it did not finish.
        if (_current is { } open)
        {
            await open.DisposeAsync();
            File.Delete(open.TempPath);
            _current = null;
        }
    }

    private async Task CloseCurrentAsync()
    {
        if (_current is not { } open)
        {
            return;
        }

        _current = null;
        await open.DisposeAsync();
        AtomicFile.Commit(open.TempPath, open.Path);
        _written.Add(new TarShard(System.IO.Path.GetFileName(open.Path), open.Samples, new FileInfo(open.Path).Length, open.Hash));
    }

    private static long RoundUp(long length) => (length + Block - 1) / Block * Block;

    /// <summary>A tar being written: the file, its writer, and the SHA-256 of every byte that went through.</summary>
    private sealed class OpenTar : IAsyncDisposable
    {
        private readonly FileStream _file;
        private readonly HashingStream _hashing;

        public OpenTar(string path)
        {
            Path = path;
            TempPath = AtomicFile.TempPathFor(path);
            _file = new FileStream(TempPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            _hashing = new HashingStream(_file);
            Tar = new TarWriter(_hashing, TarEntryFormat.Ustar, leaveOpen: true);
        }

        public string Path { get; }

        public string TempPath { get; }

        public TarWriter Tar { get; }

        public long Samples { get; set; }

        public long Bytes { get; set; }

        public string Hash { get; private set; } = "";

        public async ValueTask DisposeAsync()
        {
            await Tar.DisposeAsync();
            Hash = _hashing.HexDigest();
            await _file.FlushAsync();
            _file.Flush(flushToDisk: true);
            await _file.DisposeAsync();
        }
    }
}
