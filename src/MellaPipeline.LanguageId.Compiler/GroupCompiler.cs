using System.Buffers.Binary;
using System.IO.Hashing;
using Lingua;
using MellaPipeline.LanguageId.Models;

namespace MellaPipeline.LanguageId.Compiler;

/// <summary>Writes one group's file (<see cref="NgramFileFormat"/>). The same models give the same bytes.</summary>
internal static class GroupCompiler
{
    public static long Compile(ModelGroup group, string modelsDirectory, string path)
    {
        if (group.Languages.Count > NgramFileFormat.MaxLanguages)
        {
            throw new InvalidOperationException($"{group.Name}: {group.Languages.Count} languages, at most {NgramFileFormat.MaxLanguages}");
        }

        // models[language][order]
        var models = group.Languages.Select(l => l.Lingua is null
            ? SerbianTransliteration.Build(modelsDirectory, "sr", group.MaxOrder)
            : Enumerable.Range(0, group.MaxOrder + 1).Select(o => o == 0 ? [] : LinguaModel.Read(modelsDirectory, l.Code, o)).ToArray()).ToArray();

        char[] letters = models.SelectMany(m => m).SelectMany(o => o).SelectMany(f => f.Ngram).Distinct().Order().ToArray();
        if (letters.Length > NgramFileFormat.MaxLetters)
        {
            throw new InvalidOperationException($"{group.Name}: {letters.Length} distinct letters, at most {NgramFileFormat.MaxLetters}");
        }

        var index = new Dictionary<char, int>();
        for (int i = 0; i < letters.Length; i++)
        {
            index[letters[i]] = i + 1;
        }

        var output = new MemoryStream();
        var w = new BinaryWriter(output);
        w.Write(NgramFileFormat.Magic);
        w.Write(NgramFileFormat.Version);
        w.Write(0u);
        w.Write(0UL); // hash, filled in below
        w.Write(0UL); // length, filled in below

        w.Write((uint)group.Languages.Count);
        foreach (var language in group.Languages)
        {
            WriteString(w, language.Code);
            w.Write(AlphabetMask(language.Lingua ?? Language.Serbian, language.Lingua is null));
            WriteString(w, language.Lingua is { } l ? LanguageInfo.UniqueCharacters(l) ?? "" : "");
        }

        w.Write((ushort)letters.Length);
        foreach (char c in letters)
        {
            w.Write((ushort)c);
        }

        var ranges = ScriptRanges();
        w.Write((uint)ranges.Count);
        foreach (var (first, alphabet) in ranges)
        {
            w.Write((ushort)first);
            w.Write((ushort)alphabet);
        }

        RequirePrefixes(group, models);
        w.Write((uint)group.MaxOrder);
        for (int order = 1; order <= group.MaxOrder; order++)
        {
            WriteOrder(w, order, models.Select(m => m[order]).ToArray(), index);
        }

        w.Flush();
        byte[] bytes = output.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), (ulong)bytes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), XxHash3.HashToUInt64(bytes.AsSpan(NgramFileFormat.HeaderLength)));

        // Written beside and moved, so a build reading the old file never sees half a new one; the
        // temporary name is this process's own, so two builds writing at once never share one.
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
        return bytes.Length;
    }

    /// <summary>
    /// Every n-gram's prefix is in the language's model of the order below (Lingua counts both from
    /// the same text): the engine relies on it to skip looking up n-grams whose prefix no language has.
    /// </summary>
    private static void RequirePrefixes(ModelGroup group, List<NgramFraction>[][] models)
    {
        for (int language = 0; language < models.Length; language++)
        {
            for (int order = 2; order <= group.MaxOrder; order++)
            {
                var shorter = models[language][order - 1].Select(f => f.Ngram).ToHashSet(StringComparer.Ordinal);
                if (models[language][order].FirstOrDefault(f => !shorter.Contains(f.Ngram[..^1])) is { Ngram: not null } orphan)
                {
                    throw new InvalidOperationException($"{group.Name}: {group.Languages[language].Code} has the {order}-gram \"{orphan.Ngram}\" but not its prefix");
                }
            }
        }
    }

    private static void WriteOrder(BinaryWriter w, int order, List<NgramFraction>[] languages, Dictionary<char, int> index)
    {
        var rows = new SortedDictionary<ulong, List<uint>>();
        var values = new List<double>();
        var valueIndex = new Dictionary<long, int>();
        for (int language = 0; language < languages.Length; language++)
        {
            foreach (var fraction in languages[language].OrderBy(f => f.Ngram, StringComparer.Ordinal))
            {
                double log = Math.Log(fraction.Probability);
                long bits = BitConverter.DoubleToInt64Bits(log);
                if (!valueIndex.TryGetValue(bits, out int value))
                {
                    value = values.Count;
                    valueIndex[bits] = value;
                    values.Add(log);
                }

                if (value > NgramFileFormat.ValueMask)
                {
                    throw new InvalidOperationException($"order {order}: more than {NgramFileFormat.ValueMask} distinct probabilities");
                }

                ulong key = Key(fraction.Ngram, index);
                if (!rows.TryGetValue(key, out var entries))
                {
                    entries = [];
                    rows[key] = entries;
                }

                entries.Add(((uint)language << NgramFileFormat.LanguageShift) | (uint)value);
            }
        }

        int slotBits = NgramFileFormat.SlotBits(rows.Count);
        Align(w);
        w.Write((uint)order);
        w.Write((uint)rows.Count);
        w.Write((uint)rows.Values.Sum(e => e.Count));
        w.Write((uint)values.Count);
        w.Write((uint)slotBits);
        w.Write(0u);
        foreach (ulong key in rows.Keys)
        {
            w.Write(key);
        }

        uint start = 0;
        foreach (var entries in rows.Values)
        {
            w.Write(start);
            start += (uint)entries.Count;
        }

        w.Write(start);
        foreach (var entries in rows.Values)
        {
            foreach (uint entry in entries)
            {
                w.Write(entry);
            }
        }

        Align(w);
        foreach (double value in values)
        {
            w.Write(value);
        }

        var slots = new uint[1 << slotBits];
        uint row = 0;
        foreach (ulong key in rows.Keys)
        {
            uint slot = NgramFileFormat.Slot(key, slotBits);
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & (uint)(slots.Length - 1);
            }

            slots[slot] = ++row;
        }

        foreach (uint slot in slots)
        {
            w.Write(slot);
        }
    }

    private static ulong Key(string ngram, Dictionary<char, int> index)
    {
        ulong key = 0;
        foreach (char c in ngram)
        {
            key = (key << NgramFileFormat.BitsPerLetter) | (uint)index[c];
        }

        return key;
    }

    /// <summary>Lingua's alphabet of every UTF-16 code unit, as ranges of equal alphabet.</summary>
    private static List<(int First, int Alphabet)> ScriptRanges()
    {
        var byScript = new Dictionary<UnicodeScript, int>();
        for (int a = 0; a < NgramFileFormat.Alphabets.Length; a++)
        {
            byScript[Enum.Parse<UnicodeScript>(NgramFileFormat.Alphabets[a])] = a;
        }

        var ranges = new List<(int, int)>();
        int previous = -1;
        for (int c = 0; c <= char.MaxValue; c++)
        {
            int alphabet = byScript.GetValueOrDefault(((char)c).GetScript(), NgramFileFormat.None);
            if (alphabet != previous)
            {
                ranges.Add((c, alphabet));
                previous = alphabet;
            }
        }

        return ranges;
    }

    /// <summary>Lingua's alphabets of a language (an internal property of the package) as bits of <see cref="NgramFileFormat.Alphabets"/>; the transliterated Serbian is Latin.</summary>
    private static uint AlphabetMask(Language language, bool latin)
    {
        if (latin)
        {
            return 1u << Array.IndexOf(NgramFileFormat.Alphabets, "Latin");
        }

        var method = typeof(LanguageInfo).GetMethod("Alphabets", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
            ?? throw new InvalidOperationException("Lingua's LanguageInfo.Alphabets not found");
        uint mask = 0;
        foreach (object alphabet in (System.Collections.IEnumerable)method.Invoke(null, [language])!)
        {
            int index = Array.IndexOf(NgramFileFormat.Alphabets, alphabet.ToString());
            if (index >= 0)
            {
                mask |= 1u << index;
            }
        }

        return mask;
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        w.Write((ushort)value.Length);
        foreach (char c in value)
        {
            w.Write((ushort)c);
        }
    }

    private static void Align(BinaryWriter w)
    {
        while (w.BaseStream.Position % 8 != 0)
        {
            w.Write((byte)0);
        }
    }
}
