using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using MellaPipeline.Crawl.Html;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Bench;

/// <summary>
/// <c>charset-eval</c>: the share of real pages, re-encoded without a charset declaration into each
/// legacy encoding of SPEC §5 and cut to 2, 8, 32 KB and whole, that the decoder recovers exactly;
/// <c>charset-eval --write-pages DIR [--pages HELD_OUT]</c> writes the whole pages out for the alt
/// extraction parity check; <c>charset-eval --write-letters FILE --lingua DIR</c> regenerates the
/// decoder's letter table.
/// </summary>
internal static class CharsetEvaluation
{
    public static int Run(BenchArguments arguments)
    {
        if (arguments.Value("write-letters") is { } output)
        {
            return LetterTable.Write(arguments.Value("lingua") ?? throw new ArgumentException("--lingua DIR (SearchPioneer.Lingua's LanguageModels folder)"), output);
        }

        string? heldOut = arguments.Value("pages");
        if (arguments.Value("write-pages") is { } pagesOut)
        {
            return WritePages(heldOut, pagesOut);
        }

        if (arguments.Value("speed") is { } speedRounds)
        {
            return Speed(int.Parse(speedRounds, CultureInfo.InvariantCulture));
        }

        bool listFailures = arguments.Value("failures") == "true";
        Console.WriteLine(heldOut is null ? "shared pages (tuning set), re-encoded without declaration" : $"held-out pages from {heldOut}, re-encoded without declaration");
        Console.WriteLine("encoding        2 KB            8 KB            32 KB           whole           all");
        int worst = 100;
        foreach (var encoding in LegacyCharsetPages.SharedPages.Keys)
        {
            var samples = (heldOut is null ? LegacyCharsetPages.Shared(encoding) : HeldOut(heldOut, encoding)).ToList();
            var exact = samples.Select(s => (s.SliceBytes, Exact: IsExact(s, listFailures))).ToList();
            string Cell(IEnumerable<bool> outcomes)
            {
                var list = outcomes.ToList();
                return list.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * list.Count(e => e) / list.Count:F1} % ({list.Count(e => e)}/{list.Count})");
            }

            var cells = LegacyCharsetPages.Slices.Select(k => (int?)k).Append(null).Select(k => Cell(exact.Where(e => e.SliceBytes == k).Select(e => e.Exact))).Append(Cell(exact.Select(e => e.Exact)));
            Console.WriteLine($"{encoding,-15} {string.Join(" ", cells.Select(c => c.PadRight(15)))}");
            if (exact.Count > 0)
            {
                worst = Math.Min(worst, (int)(100.0 * exact.Count(e => e.Exact) / exact.Count));
            }
        }

        Console.WriteLine($"worst_encoding_percent={worst}");
        return 0;
    }

    /// <summary>The decoder alone: MB/s over the shared pages as they are (declared UTF-8) and re-encoded with no declaration (detection).</summary>
    private static int Speed(int rounds)
    {
        string folder = Path.Combine(RepoPaths.SharedData, "html-multilingual");
        var declared = Directory.EnumerateFiles(folder, "*.htm*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();
        var undeclared = LegacyCharsetPages.SharedPages.Keys.SelectMany(LegacyCharsetPages.Shared).Where(s => s.SliceBytes is null).Select(s => s.Bytes).ToList();
        foreach (var (name, pages) in new[] { ("declared (as they are)", declared), ("undeclared legacy (detected)", undeclared) })
        {
            pages.ForEach(p => HtmlDecoder.Decode(p)); // warm-up
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int round = 0; round < rounds; round++)
            {
                pages.ForEach(p => HtmlDecoder.Decode(p));
            }

            double mb = pages.Sum(p => (double)p.Length) * rounds / 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decoder, {name}: {pages.Count * rounds} pages, {mb:F1} MB in {clock.Elapsed.TotalSeconds:F2} s = {mb / clock.Elapsed.TotalSeconds:F0} MB/s"));
        }

        return 0;
    }

    private static bool IsExact(LegacyCharsetPages.Sample sample, bool listFailures)
    {
        var decoded = HtmlDecoder.Decode(sample.Bytes);
        bool exact = decoded.Text.Normalize(NormalizationForm.FormC) == sample.Expected.Normalize(NormalizationForm.FormC);
        if (!exact && listFailures)
        {
            Console.WriteLine($"  miss: {sample} decoded as {decoded.Encoding}");
        }

        return exact;
    }

    /// <summary>
    /// For the alt-extraction parity check (bench/peers/lxml_pairs.py): every whole page of each
    /// encoding as served undeclared (<c>DIR/legacy/&lt;encoding&gt;/…</c>) and the same text in UTF-8
    /// (<c>DIR/original/&lt;encoding&gt;/…</c>).
    /// </summary>
    private static int WritePages(string? heldOut, string folder)
    {
        int written = 0;
        foreach (var encoding in LegacyCharsetPages.SharedPages.Keys)
        {
            foreach (var sample in (heldOut is null ? LegacyCharsetPages.Shared(encoding) : HeldOut(heldOut, encoding)).Where(s => s.SliceBytes is null))
            {
                foreach (var (tree, bytes) in new[] { ("legacy", sample.Bytes), ("original", Encoding.UTF8.GetBytes(sample.Expected.Normalize(NormalizationForm.FormC))) })
                {
                    string path = Path.Combine(folder, tree, encoding, sample.Page);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllBytes(path, bytes);
                }

                written++;
            }
        }

        Console.WriteLine($"wrote {written} pages to {folder}/legacy and {folder}/original");
        return 0;
    }

    /// <summary>Pages of a held-out set: UTF-8 HTML files under <c>DIR/&lt;encoding&gt;/</c>.</summary>
    private static IEnumerable<LegacyCharsetPages.Sample> HeldOut(string folder, string encoding)
    {
        string dir = Path.Combine(folder, encoding);
        return Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*.htm*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .SelectMany(f => LegacyCharsetPages.WholeAndSliced(Path.GetRelativePath(folder, f), File.ReadAllText(f, Encoding.UTF8), encoding))
            : [];
    }

    /// <summary>
    /// Writes <c>src/MellaPipeline.Crawl/Html/LetterFrequencies.tsv</c> from Lingua's unigram models:
    /// per language, the non-ASCII letters it writes and their share of its non-ASCII letters. Only
    /// the letters of each language's alphabet are kept: Lingua's corpora hold mis-decoded text
    /// (Czech ì ø, Hungarian õ û, Romanian þ º are ě ř, ő ű, ţ ş read as windows-1252), exactly the
    /// letters the detector must find implausible.
    /// </summary>
    private static class LetterTable
    {
        private static readonly (string Language, Func<char, bool> Writes)[] Languages =
        [
            ("ru", Cyrillic), ("uk", Cyrillic), ("bg", Cyrillic), ("sr", Cyrillic), ("mk", Cyrillic), ("be", Cyrillic),
            ("cs", Latin("áčďéěíňóřšťúůýž")), ("sk", Latin("áäčďéíĺľňóôŕšťúýž")), ("pl", Latin("ąćęłńóśźż")), ("hu", Latin("áéíóöőúüű")),
            ("hr", Latin("čćđšž")), ("bs", Latin("čćđšž")), ("sl", Latin("čšžćđ")), ("ro", Latin("ăâîșțşţ")),
            ("de", Latin("äöüßé")), ("fr", Latin("àâæçéèêëîïôœùûüÿ")), ("es", Latin("áéíñóúü")), ("pt", Latin("áâãàçéêíóôõú")),
            ("it", Latin("àèéìíòóùú")), ("nl", Latin("éëïöüèáóê")), ("sv", Latin("åäöé")),
            ("ar", Arabic), ("fa", Arabic), ("ur", Arabic),
            ("ko", c => c is >= '\uAC00' and <= '\uD7A3'),
            ("th", c => c is >= '\u0E01' and <= '\u0E5B'),
            ("vi", Latin("àáâãèéêìíòóôõùúýăđĩũơư" + string.Concat(Enumerable.Range(0x1EA0, 0x1EFA - 0x1EA0).Select(c => (char)c)))),
        ];

        private static readonly (char Mark, double Percent)[] ThaiMarks =
        [
            ('\u0E48', 5.5), ('\u0E49', 3.5), ('\u0E31', 3.0), ('\u0E35', 2.5), ('\u0E34', 2.5), ('\u0E38', 1.5), ('\u0E37', 1.0),
            ('\u0E47', 1.0), ('\u0E39', 0.8), ('\u0E4C', 0.8), ('\u0E36', 0.5), ('\u0E4A', 0.1), ('\u0E4B', 0.05),
        ];

        private static bool Cyrillic(char c) => c is >= '\u0400' and <= '\u04FF';

        private static bool Arabic(char c) => c is >= '\u0600' and <= '\u06FF';

        private static Func<char, bool> Latin(string alphabet) => c => alphabet.Contains(c, StringComparison.Ordinal);

        public static int Write(string linguaModels, string output)
        {
            var lines = new List<string> { "# language\tletter\tshare of the language's non-ASCII letters, per million (from Lingua's unigram models; regenerate with MellaPipeline.Bench charset-eval --write-letters)" };
            foreach (var (language, writes) in Languages)
            {
                using var stream = new BrotliStream(File.OpenRead(Path.Combine(linguaModels, language, "unigrams.json.br")), CompressionMode.Decompress);
                using var model = JsonDocument.Parse(stream);
                var shares = new Dictionary<char, double>();
                foreach (var fraction in model.RootElement.GetProperty("ngrams").EnumerateObject())
                {
                    var parts = fraction.Name.Split('/');
                    double share = double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
                    foreach (var gram in fraction.Value.GetString()!.Split(' '))
                    {
                        if (gram.Length == 1 && writes(gram[0]))
                        {
                            shares[gram[0]] = share;
                        }
                    }
                }

                if (language == "th")
                {
                    // Lingua keeps letters only; Thai writes its vowel signs above and below and its
                    // tone marks as combining characters, about a fifth of its text. Approximate
                    // shares of Thai text, relative to its letters.
                    double letters = shares.Values.Sum();
                    foreach (var (mark, percent) in ThaiMarks)
                    {
                        shares[mark] = letters * percent / 78;
                    }
                }

                double total = shares.Values.Sum();
                foreach (var (letter, share) in shares.OrderByDescending(s => s.Value).ThenBy(s => s.Key))
                {
                    long perMillion = (long)Math.Round(share / total * 1e6);
                    if (perMillion >= 1)
                    {
                        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{language}\t{letter}\t{perMillion}"));
                    }
                }
            }

            File.WriteAllLines(output, lines, new UTF8Encoding(false));
            Console.WriteLine($"wrote {lines.Count - 1} letters of {Languages.Length} languages to {output}");
            return 0;
        }
    }
}
