using System.Globalization;
using System.Text;

namespace MellaPipeline.Crawl.Html;

/// <summary>
/// The legacy encoding of a page that declares none and is not UTF-8: the encoding and language
/// whose letter statistics make the page's non-ASCII bytes most likely. Letter frequencies tell
/// apart what script shares cannot: KOI8-R and windows-1251 put lower and upper case in opposite
/// halves and the letters in another order; ISO-8859-2 and windows-1250 differ in 0x8A–0xBF, where
/// one decodes Czech š ž ť and the other ą ľ » or C1 controls. Work is bounded: only the part of the
/// page holding its first <see cref="MaxHighBytes"/> non-ASCII bytes is looked at (16 K bytes of
/// letters decide as well as 64 K did on the measured pages, and EUC-KR must decode what it looks at).
/// </summary>
public sealed class LegacyCharsetDetector
{
    public const int MaxHighBytes = 16 * 1024;

    // Languages that are not targets need more evidence: a short Czech title whose š reads as
    // Polish ą in the other encoding stays Czech.
    private const double NonTargetPrior = -1.5;

    private static readonly string[] Targets = ["ru", "sr", "cs", "hu", "hr", "bs", "ar", "ko", "th", "vi"];

    /// <summary>The encodings tried, in tie-break order, and the languages written in each.</summary>
    public static readonly IReadOnlyList<(string Encoding, string[] Languages)> Candidates =
    [
        ("windows-1251", ["ru", "uk", "bg", "sr", "mk", "be"]),
        ("windows-1250", ["cs", "sk", "pl", "hu", "hr", "bs", "sl", "ro"]),
        ("windows-1256", ["ar", "fa", "ur"]),
        ("euc-kr", ["ko"]),
        ("windows-874", ["th"]),
        ("windows-1258", ["vi"]),
        ("iso-8859-2", ["cs", "sk", "pl", "hu", "hr", "bs", "sl", "ro"]),
        ("windows-1252", ["de", "fr", "es", "pt", "it", "nl", "sv"]),
        ("koi8-r", ["ru", "bg"]),
    ];

    private static readonly Lazy<LegacyCharsetDetector> Shared = new(Build);

    private readonly EncodingModel[] models;

    private LegacyCharsetDetector(EncodingModel[] models) => this.models = models;

    public static LegacyCharsetDetector Instance => Shared.Value;

    /// <summary>The name of the most likely encoding of <paramref name="body"/>.</summary>
    public string Detect(ReadOnlySpan<byte> body)
    {
        // Each non-ASCII byte counted by value and by its neighbours (see LetterModel.ContextLogProbability).
        Span<int> inContext = stackalloc int[128 * Contexts];
        Span<int> counts = stackalloc int[128];
        inContext.Clear();
        counts.Clear();
        int end = body.Length, seen = 0;
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] >= 0x80)
            {
                int previous = i == 0 ? 0 : Class(body[i - 1]);
                bool nextIsLetter = i + 1 < body.Length && Class(body[i + 1]) > 0;
                inContext[((body[i] - 0x80) * Contexts) + (previous * 2) + (nextIsLetter ? 1 : 0)]++;
                counts[body[i] - 0x80]++;
                if (++seen == MaxHighBytes)
                {
                    end = i + 1;
                    break;
                }
            }
        }

        var best = models[0];
        double bestScore = double.NegativeInfinity;
        foreach (var model in models)
        {
            double score = model.Score(counts, inContext, body[..end]);
            if (score > bestScore)
            {
                (best, bestScore) = (model, score);
            }
        }

        return best.Encoding.WebName;
    }

    // Previous byte: ASCII non-letter, consonant, vowel or non-ASCII; next byte: letter-like or not.
    private const int Contexts = 4 * 2;

    private static int Class(byte b) => b switch
    {
        >= 0x80 => 3,
        (byte)'a' or (byte)'e' or (byte)'i' or (byte)'o' or (byte)'u' or (byte)'y' or (byte)'A' or (byte)'E' or (byte)'I' or (byte)'O' or (byte)'U' or (byte)'Y' => 2,
        >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' => 1,
        _ => 0,
    };

    private static LegacyCharsetDetector Build()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var letters = LoadLetters();
        return new LegacyCharsetDetector(Candidates.Select(c =>
        {
            // Undecodable bytes become U+FFFD, which the letter models price as no text (not as an ASCII '?').
            var encoding = Encoding.GetEncoding(c.Encoding, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD"));
            var languages = c.Languages.Select(l => (Model: LetterModel.For(letters[l], encoding), Prior: Targets.Contains(l) ? 0 : NonTargetPrior)).ToArray();
            return encoding.IsSingleByte ? (EncodingModel)new SingleByteModel(encoding, languages) : new EucKrModel(encoding, languages);
        }).ToArray());
    }

    private static Dictionary<string, List<(char Letter, double Share)>> LoadLetters()
    {
        using var stream = typeof(LegacyCharsetDetector).Assembly.GetManifestResourceStream("MellaPipeline.Crawl.Html.LetterFrequencies.tsv")
            ?? throw new InvalidOperationException("LetterFrequencies.tsv is not embedded in the assembly");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var letters = new Dictionary<string, List<(char, double)>>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (!letters.TryGetValue(fields[0], out var list))
            {
                letters[fields[0]] = list = [];
            }

            list.Add((fields[1][0], double.Parse(fields[2], CultureInfo.InvariantCulture) / 1e6));
        }

        return letters;
    }

    /// <summary>One candidate encoding: the log-likelihood of a page's non-ASCII bytes under its best language.</summary>
    private abstract class EncodingModel(Encoding encoding)
    {
        public Encoding Encoding { get; } = encoding;

        /// <param name="highByteCounts">How often each byte 0x80–0xFF occurs in <paramref name="prefix"/>.</param>
        /// <param name="inContext">The same, per byte and neighbour class.</param>
        public abstract double Score(ReadOnlySpan<int> highByteCounts, ReadOnlySpan<int> inContext, ReadOnlySpan<byte> prefix);
    }

    /// <summary>A single-byte encoding: each non-ASCII byte is one character, so a byte histogram scores the page.</summary>
    private sealed class SingleByteModel : EncodingModel
    {
        private readonly (double[] ByteLogs, double Prior)[] languages;
        private readonly double[] contextLogs;

        public SingleByteModel(Encoding encoding, (LetterModel Model, double Prior)[] languages)
            : base(encoding)
        {
            var decoded = Enumerable.Range(0x80, 128).Select(b => encoding.GetString([(byte)b]) is { Length: 1 } s ? s[0] : '\uFFFD').ToArray();
            this.languages = languages.Select(l => (decoded.Select(l.Model.LogProbability).ToArray(), l.Prior)).ToArray();
            contextLogs = Enumerable.Range(0, 128 * Contexts)
                .Select(i => LetterModel.ContextLogProbability(decoded[i / Contexts], i % Contexts / 2, i % 2 == 1))
                .ToArray();
        }

        public override double Score(ReadOnlySpan<int> highByteCounts, ReadOnlySpan<int> inContext, ReadOnlySpan<byte> prefix)
        {
            double context = 0;
            for (int i = 0; i < contextLogs.Length; i++)
            {
                context += inContext[i] * contextLogs[i];
            }

            double best = double.NegativeInfinity;
            foreach (var (byteLogs, prior) in languages)
            {
                double score = prior;
                for (int b = 0; b < 128; b++)
                {
                    score += highByteCounts[b] * byteLogs[b];
                }

                best = Math.Max(best, score);
            }

            return best + context;
        }
    }

    /// <summary>
    /// EUC-KR (as Windows' code page 949 extends it): the prefix is decoded and each non-ASCII
    /// character scored — unless its bytes do not even pair up as EUC-KR, when it cannot win and
    /// the decoding (half the detector's time otherwise) is skipped.
    /// </summary>
    private sealed class EucKrModel(Encoding encoding, (LetterModel Model, double Prior)[] languages) : EncodingModel(encoding)
    {
        // Each unpaired byte costs a U+FFFD, priced as no text: 2 % of them already lose to any real decoding.
        private const double MaxUnpairedShare = 0.02;

        public override double Score(ReadOnlySpan<int> highByteCounts, ReadOnlySpan<int> inContext, ReadOnlySpan<byte> prefix)
        {
            int high = 0, unpaired = 0;
            for (int i = 0; i < prefix.Length; i++)
            {
                byte lead = prefix[i];
                if (lead < 0x80)
                {
                    continue;
                }

                high++;
                byte trail = i + 1 < prefix.Length ? prefix[i + 1] : (byte)0;
                bool paired = lead is >= 0x81 and <= 0xFE && (trail is >= 0x81 and <= 0xFE || (lead < 0xC7 && trail is >= 0x41 and <= 0x5A or >= 0x61 and <= 0x7A));
                if (paired)
                {
                    high++;
                    i++;
                }
                else
                {
                    unpaired++;
                }
            }

            if (unpaired > MaxUnpairedShare * high)
            {
                return double.NegativeInfinity;
            }

            string text = Encoding.GetString(prefix);
            double best = double.NegativeInfinity;
            foreach (var (model, prior) in languages)
            {
                double score = prior;
                foreach (char c in text)
                {
                    if (c >= '\u0080')
                    {
                        score += model.LogProbability(c);
                    }
                }

                best = Math.Max(best, score);
            }

            return best;
        }
    }
}
