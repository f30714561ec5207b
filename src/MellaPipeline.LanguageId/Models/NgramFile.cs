using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace MellaPipeline.LanguageId.Models;

/// <summary>A compiled file could not be used: truncated, not one of ours, of another version, or changed since it was written.</summary>
public sealed class NgramFileException(string path, string problem)
    : IOException($"language model file {path}: {problem}")
{
    public string Path { get; } = path;
}

/// <summary>The entries of one n-gram in an order's table: <see cref="Count"/> of them from <see cref="Start"/>.</summary>
internal readonly record struct NgramRow(uint Start, int Count);

/// <summary>A language of a compiled group: its code, its Lingua alphabets, the letters only it writes among all of Lingua's languages.</summary>
internal sealed record GroupLanguage(string Code, uint Alphabets, string UniqueLetters);

/// <summary>
/// One group's compiled n-gram models (<see cref="NgramFileFormat"/>), memory-mapped read-only:
/// the pages a lookup touches are read from the page cache, shared by every process. Opening checks
/// the magic, version, length and content hash and that every section lies inside the file, so a
/// bad file is refused here with its name and never read out of bounds later. Immutable, so
/// thread-safe.
/// </summary>
internal sealed unsafe class NgramFile : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _length;
    private readonly OrderTable[] _orders;
    private readonly ushort[] _letterIndex = new ushort[char.MaxValue + 1];
    private readonly byte[] _alphabet = new byte[char.MaxValue + 1];

    private NgramFile(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer, long length)
    {
        Path = path;
        _file = file;
        _view = view;
        _length = length;
        _base = pointer + view.PointerOffset;

        var header = Bytes(0, NgramFileFormat.HeaderLength);
        if (!header[..8].SequenceEqual(NgramFileFormat.Magic))
        {
            throw Refuse("not a compiled language model file (wrong magic)");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != NgramFileFormat.Version)
        {
            throw Refuse($"format version {version}, this build reads {NgramFileFormat.Version}");
        }

        ulong declaredLength = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
        if (declaredLength != (ulong)length)
        {
            throw Refuse($"{length} bytes, the header says {declaredLength} (truncated or appended to)");
        }

        ulong hash = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        if (XxHash3.HashToUInt64(Bytes(NgramFileFormat.HeaderLength, length - NgramFileFormat.HeaderLength)) != hash)
        {
            throw Refuse("content hash does not match (the file changed after it was compiled)");
        }

        long at = NgramFileFormat.HeaderLength;
        int languageCount = checked((int)U32(ref at));
        if (languageCount is < 1 or > NgramFileFormat.MaxLanguages)
        {
            throw Refuse($"{languageCount} languages");
        }

        var languages = new GroupLanguage[languageCount];
        for (int i = 0; i < languageCount; i++)
        {
            string code = Text(ref at);
            uint alphabets = U32(ref at);
            languages[i] = new GroupLanguage(code, alphabets, Text(ref at));
        }

        Languages = languages;
        int letters = U16(ref at);
        for (int i = 1; i <= letters; i++)
        {
            _letterIndex[U16(ref at)] = (ushort)i;
        }

        uint ranges = U32(ref at);
        int previous = -1;
        for (uint r = 0; r < ranges; r++)
        {
            int first = U16(ref at), alphabet = U16(ref at);
            if (first <= previous || alphabet > NgramFileFormat.None)
            {
                throw Refuse("script ranges out of order");
            }

            _alphabet.AsSpan(first).Fill((byte)alphabet);
            previous = first;
        }

        uint orders = U32(ref at);
        if (orders is < 1 or > 5)
        {
            throw Refuse($"{orders} n-gram orders");
        }

        _orders = new OrderTable[orders + 1];
        for (int order = 1; order <= orders; order++)
        {
            at = Align(at);
            uint declaredOrder = U32(ref at), keys = U32(ref at), entries = U32(ref at), values = U32(ref at), slotBits = U32(ref at);
            _ = U32(ref at);
            if (declaredOrder != order)
            {
                throw Refuse($"order {declaredOrder} where {order} belongs");
            }

            long keyOffset = Section<ulong>(ref at, keys);
            long rowOffset = Section<uint>(ref at, (long)keys + 1);
            long entryOffset = Section<uint>(ref at, entries);
            at = Align(at);
            long valueOffset = Section<double>(ref at, values);
            if (slotBits is < 4 or > 30 || (1L << (int)slotBits) < keys)
            {
                throw Refuse($"order {order}: index of 2^{slotBits} slots for {keys} keys");
            }

            long slotOffset = Section<uint>(ref at, 1L << (int)slotBits);
            if (((uint*)(_base + rowOffset))[0] != 0 || ((uint*)(_base + rowOffset))[keys] != entries || keys > int.MaxValue)
            {
                throw Refuse($"order {order}: rows do not cover the entries");
            }

            _orders[order] = new OrderTable(keyOffset, keys, rowOffset, entryOffset, entries, valueOffset, values, slotOffset, (int)slotBits);
        }

        if (at != length)
        {
            throw Refuse($"{length - at} bytes after the last section");
        }
    }

    public string Path { get; }

    public IReadOnlyList<GroupLanguage> Languages { get; }

    public int MaxOrder => _orders.Length - 1;

    /// <summary>Maps and checks <paramref name="path"/>; a missing, truncated or corrupt file is an <see cref="NgramFileException"/> naming it.</summary>
    public static NgramFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new NgramFileException(path, "not found");
        }

        // The length is the opened file's, not the directory entry's: a models folder made of
        // symbolic links (a package store, a container layer) has entries the size of a path.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = stream.Length;
        if (length < NgramFileFormat.HeaderLength)
        {
            stream.Dispose();
            throw new NgramFileException(path, $"{length} bytes, shorter than the header (truncated)");
        }

        var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        // The pointer is taken here so that a file the constructor refuses is released (its
        // reference count back to zero) and unmapped, not left mapped until the process ends.
        bool acquired = false;
        try
        {
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            return new NgramFile(path, file, view, pointer, length);
        }
        catch
        {
            if (acquired)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>Lingua's alphabet of a character (<see cref="NgramFileFormat.Alphabets"/> index, or <see cref="NgramFileFormat.None"/>).</summary>
    public int AlphabetOf(char c) => _alphabet[c];

    /// <summary>The letter's index in this group's keys, 0 if no model of the group has it.</summary>
    public int LetterIndex(char c) => _letterIndex[c];

    /// <summary>The entries (<c>language &lt;&lt; 26 | value</c>) of the n-gram with <paramref name="key"/> in the order's table, empty when no language has it.</summary>
    public ReadOnlySpan<uint> Find(int order, ulong key) => Entries(order, FindRow(order, key));

    /// <summary>The entries of a row <see cref="FindRow"/> found.</summary>
    public ReadOnlySpan<uint> Entries(int order, NgramRow row) =>
        row.Count == 0 ? [] : new ReadOnlySpan<uint>(_base + _orders[order].EntriesOffset + (4L * row.Start), row.Count);

    /// <summary>Where the entries of the n-gram with <paramref name="key"/> are (none when no language has it).</summary>
    public NgramRow FindRow(int order, ulong key)
    {
        ref readonly var table = ref _orders[order];
        var keys = (ulong*)(_base + table.KeysOffset);
        var slots = (uint*)(_base + table.SlotsOffset);
        uint mask = (1u << table.SlotBits) - 1;
        uint slot = NgramFileFormat.Slot(key, table.SlotBits);
        for (uint probes = 0; probes <= mask; probes++, slot = (slot + 1) & mask)
        {
            uint row = slots[slot];
            if (row == 0)
            {
                return default;
            }

            if (row > table.KeyCount)
            {
                throw Refuse($"order {order}: slot {slot} points past the keys");
            }

            if (keys[row - 1] != key)
            {
                continue;
            }

            var starts = (uint*)(_base + table.RowStartsOffset);
            uint start = starts[row - 1], end = starts[row];
            if (start > end || end > table.EntryCount)
            {
                throw Refuse($"order {order}: row {row - 1} out of bounds");
            }

            return new NgramRow(start, (int)(end - start));
        }

        return default;
    }

    /// <summary>The log-probability an entry of <paramref name="order"/> points at.</summary>
    public double Value(int order, uint entry)
    {
        ref readonly var table = ref _orders[order];
        uint value = entry & NgramFileFormat.ValueMask;
        if (value >= table.ValueCount)
        {
            throw Refuse($"order {order}: value {value} out of bounds");
        }

        return ((double*)(_base + table.ValuesOffset))[value];
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    private NgramFileException Refuse(string problem) => new(Path, problem);

    private ReadOnlySpan<byte> Bytes(long offset, long count)
    {
        if (offset < 0 || count < 0 || offset + count > _length || count > int.MaxValue)
        {
            throw Refuse($"section at {offset} of {count} bytes runs past the end of the file (truncated)");
        }

        return new ReadOnlySpan<byte>(_base + offset, (int)count);
    }

    private uint U32(ref long at)
    {
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(Bytes(at, 4));
        at += 4;
        return value;
    }

    private ushort U16(ref long at)
    {
        ushort value = BinaryPrimitives.ReadUInt16LittleEndian(Bytes(at, 2));
        at += 2;
        return value;
    }

    private string Text(ref long at)
    {
        int length = U16(ref at);
        string value = new(MemoryMarshal.Cast<byte, char>(Bytes(at, 2L * length)));
        at += 2L * length;
        return value;
    }

    /// <summary>The offset of an array of <paramref name="count"/> values at <paramref name="at"/>, after checking it lies inside the file.</summary>
    private long Section<T>(ref long at, long count) where T : unmanaged
    {
        long offset = at;
        _ = Bytes(offset, count * sizeof(T));
        at += count * sizeof(T);
        return offset;
    }

    private static long Align(long at) => (at + 7) & ~7L;

    private readonly record struct OrderTable(
        long KeysOffset, uint KeyCount, long RowStartsOffset, long EntriesOffset, uint EntryCount, long ValuesOffset, uint ValueCount, long SlotsOffset, int SlotBits);
}
