using System.Text;
using System.Text.Json;

namespace MellaPipeline.TestSupport;

/// <summary>
/// A <c>pairs</c> input that mixes 20 good lines (real captions in the eight languages, PNG images)
/// with 16 poison lines, each one a way a user file has stopped, hung or exhausted a run:
/// <c>DIR/pairs.jsonl</c>, <c>DIR/pipeline.yaml</c> (kind pairs, <c>failure_budget: 0.9</c> so the 16
/// failures among 36 lines still end in exit 0) and <c>DIR/expected.json</c>, an object from line
/// number (1-based, as a string) to <c>"stored"</c> or the reason code the line's reject must carry.
/// </summary>
public static class PoisonPairs
{
    public const int GoodLines = 20;
    public const string Stored = "stored";

    /// <summary>One poison line: what it is, the JSON line itself, and the reason it must be rejected with.</summary>
    public sealed record Poison(string Case, byte[] Line, string Reason);

    /// <summary>Writes the three files (and the images, FIFO, symlink and odd files the lines point at); returns the expectations by line number.</summary>
    public static IReadOnlyDictionary<int, string> Write(string folder)
    {
        folder = Path.GetFullPath(folder);
        string images = Path.Combine(folder, "images");
        Directory.CreateDirectory(images);
        var poisons = MakePoisons(folder);

        var expected = new SortedDictionary<int, string>();
        using (var pairs = new FileStream(Path.Combine(folder, "pairs.jsonl"), FileMode.Create, FileAccess.Write))
        {
            int lineNumber = 0;
            void Add(byte[] line, string outcome)
            {
                pairs.Write(line);
                pairs.WriteByte((byte)'\n');
                expected[++lineNumber] = outcome;
            }

            for (int g = 0; g < GoodLines; g++)
            {
                File.WriteAllBytes(Path.Combine(images, $"good-{g:D2}.png"), SyntheticPng.Create(64 + g, 48 + g % 7, 300 + g));
                var (lang, text) = Captions.All[g % Captions.All.Count];
                Add(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
                {
                    ["text"] = g < Captions.All.Count ? text : $"{text} ({g})",
                    ["lang"] = lang,
                    ["image_path"] = $"images/good-{g:D2}.png",
                    ["url"] = $"https://example.org/{lang}/{g}.png",
                    ["page_url"] = $"https://example.org/{lang}/page-{g}.html",
                }), Stored);
                if (g < poisons.Count)
                {
                    Add(poisons[g].Line, poisons[g].Reason);
                }
            }
        }

        File.WriteAllText(Path.Combine(folder, "pipeline.yaml"), """
            version: 1
            name: poison-pairs
            input:
              kind: pairs
              paths: [pairs.jsonl]
            # 16 of the 36 lines fail on purpose; the run must still end cleanly (exit 0).
            failure_budget: 0.9

            """);
        File.WriteAllText(Path.Combine(folder, "expected.json"),
            JsonSerializer.Serialize(expected.ToDictionary(e => e.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), e => e.Value), new JsonSerializerOptions { WriteIndented = true }));
        return expected;
    }

    private static List<Poison> MakePoisons(string folder)
    {
        string Odd(string name, byte[] bytes)
        {
            string path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            return name;
        }

        SpecialFiles.Fifo(Path.Combine(folder, "fifo.png"));
        SpecialFiles.Link(Path.Combine(folder, "zero-link.png"), SpecialFiles.Zero);
        string bomb = Odd("bomb.png", PngBomb());
        byte[] whole = SyntheticPng.Create(64, 64, 99);
        string truncated = Odd("truncated.png", whole[..(whole.Length / 2)]);
        string text = Odd("notes.png", "This is a text file, not an image.\n"u8.ToArray());

        byte[] Pair(string imagePath, string textValue = "Hrad Karlštejn v zimě") =>
            JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["text"] = textValue, ["lang"] = "cs", ["image_path"] = imagePath });
        byte[] Raw(string json) => Encoding.UTF8.GetBytes(json);

        string deep = new string('[', 10_000) + "1" + new string('9', 100_000) + "e999999" + new string(']', 10_000);
        return
        [
            new("lone surrogate", Raw("""{"text": "Pra\ud800ha", "lang": "cs", "image_path": "images/good-00.png"}"""), "input_field_invalid"),
            new("NUL in image_path", Raw("""{"text": "Praha", "lang": "cs", "image_path": "g.png\u0000.txt"}"""), "input_field_invalid"),
            new("/dev/zero", Pair(SpecialFiles.Zero), "image_not_regular_file"),
            new("/dev/urandom", Pair(SpecialFiles.Urandom), "image_not_regular_file"),
            new("FIFO", Pair("fifo.png"), "image_not_regular_file"),
            new("symlink to /dev/zero", Pair("zero-link.png"), "image_not_regular_file"),
            new("folder", Pair("images"), "image_not_regular_file"),
            new("2 MB line", Pair("images/good-01.png", new string('a', 2 << 20)), "input_malformed"),
            new("invalid UTF-8", [.. Raw("{\"text\": \"Praha "), 0xC3, 0x28, 0xFF, .. Raw("\", \"lang\": \"cs\", \"image_path\": \"images/good-02.png\"}")], "input_malformed"),
            new("PNG bomb (100000 x 100000 declared)", Pair(bomb), "image_dimensions_out_of_range"),
            new("truncated PNG", Pair(truncated), "image_truncated"),
            new("text file named .png", Pair(text), "image_format_unsupported"),
            new("deep JSON nesting around a huge number", Raw($$"""{"text": {{deep}}, "lang": "cs", "image_path": "images/good-03.png"}"""), "input_malformed"),
            new("control characters and an overlong name", Pair("images/\u0007\u001b[31m" + new string('x', 5000) + ".png"), "image_missing"),
            new("not an object", Raw("""["Praha", "images/good-04.png"]"""), "input_malformed"),
            new("unreadable file (EIO)", Pair("/proc/self/mem"), "image_unreadable"),
        ];
    }

    /// <summary>A valid PNG signature and IHDR declaring 100,000 × 100,000 pixels, and almost no data.</summary>
    private static byte[] PngBomb()
    {
        byte[] small = SyntheticPng.Create(8, 8, 1);
        // IHDR's width and height are the 4-byte big-endian numbers right after "IHDR" (offset 16 and 20);
        // its CRC (offset 29) is recomputed so only the size is a lie.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(small.AsSpan(16), 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(small.AsSpan(20), 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(small.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(small.AsSpan(12, 17)));
        return small;
    }
}
