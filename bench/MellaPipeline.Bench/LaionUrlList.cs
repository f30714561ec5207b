using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace MellaPipeline.Bench;

/// <summary>
/// A synthetic URL list with LAION-2B-multi's columns (<c>SAMPLE_ID, URL, TEXT, HEIGHT, WIDTH,
/// LICENSE, LANGUAGE, NSFW, similarity, hash, pwatermark, punsafe</c>, snappy, as its parts are
/// written), for reading a reference-size list through <c>mella run</c> with downloads off, plus
/// <see cref="TruthColumn"/>, the caption's real language, for checking what language ID made of it.
/// <list type="bullet">
/// <item>Captions are real text (<see cref="CaptionPools"/>): 82 % in the eight target languages,
/// the rest in their confusables (bg uk pl sk hr bs fa ur ja zh mk lo); 55 % one entry, the rest
/// two entries joined, so most captions are distinct while common ones repeat across hosts.</item>
/// <item><c>LANGUAGE</c> is wrong for 15 % of rows, as a short-text detector's labels are: a
/// confusable of the caption's language (<c>sr</c> for Russian, <c>hr</c> for Serbian, …).</item>
/// <item>URLs spread over 20,000 hosts (skewed: the busiest holds under 1 %), in five path shapes,
/// 15 % http.</item>
/// <item>1 % of rows repeat an earlier row's URL, caption and label (up to 100,000 rows back, so
/// repeats cross task boundaries); 1 in 10,000 rows has an empty URL, as many an <c>ftp:</c> URL,
/// as many a null caption.</item>
/// </list>
/// Every value is a function of the row number and the seed alone, so a column is built for a
/// whole row group without the others (a single-group file holds one column in memory at a time)
/// and a file is the same on every machine.
/// </summary>
internal sealed class LaionUrlList
{
    /// <summary>pyarrow's default row group (1 Mi rows), the size LAION-style parts are read in.</summary>
    public const long DefaultRowGroupRows = 1 << 20;

    /// <summary>The language the caption was drawn in: the benchmark's ground truth, not a LAION column (no pipeline reads it).</summary>
    public const string TruthColumn = "mella_true_lang";

    private const int Hosts = 20_000;
    private const double TargetShare = 0.82, WrongLabelShare = 0.15, RepeatShare = 0.01;
    private const int RepeatWindow = 100_000, BadRowOneIn = 10_000;

    private static readonly string[] Targets = ["ar", "cs", "hu", "ko", "ru", "sr", "th", "vi"];
    private static readonly string[] Others = ["bg", "bs", "fa", "hr", "ja", "lo", "mk", "pl", "sk", "uk", "ur", "zh"];

    private static readonly Dictionary<string, string[]> Confusables = new(StringComparer.Ordinal)
    {
        ["ar"] = ["fa", "ur"], ["cs"] = ["sk", "pl"], ["hu"] = ["fi", "ro"], ["ko"] = ["ja", "zh"],
        ["ru"] = ["uk", "bg", "sr"], ["sr"] = ["hr", "bs", "mk", "ru"], ["th"] = ["lo"], ["vi"] = ["id", "ms"],
        ["bg"] = ["ru", "mk"], ["bs"] = ["hr", "sr"], ["fa"] = ["ar", "ur"], ["hr"] = ["sr", "bs"],
        ["ja"] = ["zh"], ["lo"] = ["th"], ["mk"] = ["bg", "sr"], ["pl"] = ["cs", "sk"],
        ["sk"] = ["cs"], ["uk"] = ["ru"], ["ur"] = ["fa", "ar"], ["zh"] = ["ja", "ko"],
    };

    private static readonly string[] SiteWords = ["shop", "news", "blog", "photo", "travel", "recipes", "market", "forum", "realty", "auto"];
    private static readonly string[] Subdomains = ["img", "cdn", "static", "media", "i", "images", "www"];
    private static readonly string[] Nsfw = ["UNLIKELY", "UNLIKELY", "UNLIKELY", "UNLIKELY", "UNLIKELY", "UNLIKELY", "UNLIKELY", "UNLIKELY", "UNSURE", "NSFW"];

    private readonly string[][] _pools;
    private readonly ulong _salt;

    public LaionUrlList(CaptionPools captions, int seed)
    {
        _pools = [.. Targets.Concat(Others).Select(lang => captions.Of(lang).ToArray())];
        _salt = Mix((ulong)seed + 0x6C61696F6E);
    }

    /// <summary>What a file holds, for the benchmark's own checks.</summary>
    public sealed record Figures(long Rows, int RowGroups, long Bytes, int DistinctHosts, long Repeats, long WrongLabels, long EmptyUrls, long FtpUrls, long NullCaptions, long TargetRows);

    /// <summary>Writes <paramref name="rows"/> rows in groups of <paramref name="rowGroupRows"/> (0: one group).</summary>
    public async Task<Figures> WriteAsync(string path, long rows, long rowGroupRows)
    {
        var fields = new DataField[]
        {
            new DataField<long>("SAMPLE_ID"), new DataField<string>("URL", nullable: true), new DataField<string>("TEXT", nullable: true),
            new DataField<long?>("HEIGHT"), new DataField<long?>("WIDTH"), new DataField<string>("LICENSE", nullable: true),
            new DataField<string>("LANGUAGE", nullable: true), new DataField<string>("NSFW", nullable: true), new DataField<double>("similarity"),
            new DataField<long>("hash"), new DataField<double?>("pwatermark"), new DataField<double?>("punsafe"),
            new DataField<string>(TruthColumn, nullable: true),
        };
        long groupRows = rowGroupRows <= 0 ? rows : rowGroupRows;
        int groups = 0;
        var hosts = new bool[Hosts];
        string temp = path + ".tmp";
        await using (var stream = File.Create(temp))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy });
            for (long begin = 0; begin < rows; begin += groupRows, groups++)
            {
                long end = Math.Min(rows, begin + groupRows);
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(fields[0], Longs(begin, end, row => 1_000_000_000L + row * 7));
                await group.WriteAsync(fields[1], Column<string?>(begin, end, row => Url(row, hosts)));
                await group.WriteAsync(fields[2], Column<string?>(begin, end, Text));
                await group.WriteAsync(fields[3], NullableLongs(begin, end, row => Size(row, 14)));
                await group.WriteAsync(fields[4], NullableLongs(begin, end, row => Size(row, 13)));
                await group.WriteAsync(fields[5], Column<string?>(begin, end, _ => "?"));
                await group.WriteAsync(fields[6], Column<string?>(begin, end, Label));
                await group.WriteAsync(fields[7], Column<string?>(begin, end, row => Nsfw[Draw(row, 19) % (ulong)Nsfw.Length]));
                await group.WriteAsync(fields[8], Doubles(begin, end, row => 0.26 + 0.2 * Unit(row, 15)));
                await group.WriteAsync(fields[9], Longs(begin, end, row => (long)Draw(row, 18)));
                await group.WriteAsync(fields[10], NullableDoubles(begin, end, row => Unit(row, 20) < 0.001 ? null : Math.Pow(Unit(row, 16), 3)));
                await group.WriteAsync(fields[11], NullableDoubles(begin, end, row => Unit(row, 20) < 0.001 ? null : Math.Pow(Unit(row, 17), 4)));
                await group.WriteAsync(fields[12], Column<string?>(begin, end, row => Language(Original(row))));
            }
        }

        File.Move(temp, path, overwrite: true);
        long repeats = 0, wrong = 0, empty = 0, ftp = 0, nullText = 0, targets = 0;
        for (long row = 0; row < rows; row++)
        {
            repeats += Original(row) != row ? 1 : 0;
            long original = Original(row);
            wrong += Label(row) != Language(original) ? 1 : 0;
            targets += Lang(original) < Targets.Length ? 1 : 0;
            switch (Bad(row))
            {
                case BadRow.EmptyUrl: empty++; break;
                case BadRow.FtpUrl: ftp++; break;
                case BadRow.NullCaption: nullText++; break;
            }
        }

        return new Figures(rows, groups, new FileInfo(path).Length, hosts.Count(h => h), repeats, wrong, empty, ftp, nullText, targets);
    }

    private enum BadRow { None, EmptyUrl, FtpUrl, NullCaption }

    // SplitMix64's finaliser: a well-mixed 64-bit value per (row, slot), with no state to carry between columns.
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    private ulong Draw(long row, int slot) => Mix(((ulong)row << 6 | (uint)slot) ^ _salt);

    private double Unit(long row, int slot) => (Draw(row, slot) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The row whose URL, caption and label this row repeats (itself for most rows).</summary>
    private long Original(long row)
    {
        long back = 1 + (long)(Draw(row, 11) % RepeatWindow);
        return Unit(row, 10) < RepeatShare && row >= back ? row - back : row;
    }

    private BadRow Bad(long row) => (Draw(row, 12) % (ulong)BadRowOneIn) switch
    {
        0 => BadRow.EmptyUrl,
        1 => BadRow.FtpUrl,
        2 => BadRow.NullCaption,
        _ => BadRow.None,
    };

    private int Lang(long row)
    {
        double u = Unit(row, 0);
        return u < TargetShare
            ? (int)(u / TargetShare * Targets.Length)
            : Targets.Length + (int)((u - TargetShare) / (1 - TargetShare) * Others.Length);
    }

    private string Language(long row) => Lang(row) < Targets.Length ? Targets[Lang(row)] : Others[Lang(row) - Targets.Length];

    private string? Label(long row)
    {
        long original = Original(row);
        string lang = Language(original);
        if (Unit(original, 4) >= WrongLabelShare)
        {
            return lang;
        }

        var wrong = Confusables[lang];
        return wrong[Draw(original, 5) % (ulong)wrong.Length];
    }

    private string? Text(long row)
    {
        if (Bad(row) == BadRow.NullCaption)
        {
            return null;
        }

        long original = Original(row);
        var pool = _pools[Lang(original)];
        string first = pool[Draw(original, 1) % (ulong)pool.Length], second = pool[Draw(original, 2) % (ulong)pool.Length];
        return (Draw(original, 3) % 20) switch
        {
            < 11 => first,
            < 16 => first + " " + second,
            _ => first + " - " + second,
        };
    }

    private string Url(long row, bool[] hosts)
    {
        var bad = Bad(row);
        if (bad == BadRow.EmptyUrl)
        {
            return "";
        }

        long original = Original(row);
        double u = Unit(original, 6);
        int host = (int)(Hosts * u * u);
        hosts[host] = true;
        ulong path = Draw(original, 8);
        string scheme = bad == BadRow.FtpUrl ? "ftp" : Unit(original, 9) < 0.15 ? "http" : "https";
        string name = string.Create(CultureInfo.InvariantCulture, $"{Subdomains[host % Subdomains.Length]}.{SiteWords[host / Subdomains.Length % SiteWords.Length]}{host}.example");
        uint number = (uint)(path >> 32);
        return (Draw(original, 7) % 5) switch
        {
            0 => string.Create(CultureInfo.InvariantCulture, $"{scheme}://{name}/wp-content/uploads/{2012 + (int)(path % 13)}/{1 + (int)(path / 13 % 12):D2}/{number:x8}-{path % 1000}.jpg"),
            1 => string.Create(CultureInfo.InvariantCulture, $"{scheme}://{name}/images/products/{number}/{200 + (int)(path % 1800)}x{200 + (int)(path / 1800 % 1800)}.jpg"),
            2 => string.Create(CultureInfo.InvariantCulture, $"{scheme}://{name}/media/{path:x16}.png?width=600"),
            3 => string.Create(CultureInfo.InvariantCulture, $"{scheme}://{name}/photos/{number}.jpeg"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{scheme}://{name}/p/{(uint)path:x8}/{number % 100_000}_large.webp"),
        };
    }

    // LAION leaves a few sizes unknown.
    private long? Size(long row, int slot) => Unit(row, 20) > 0.999 ? null : 64 + (long)(Draw(row, slot) % 2400);

    private static ReadOnlyMemory<long> Longs(long begin, long end, Func<long, long> value) => Column(begin, end, value);

    private static ReadOnlyMemory<long?> NullableLongs(long begin, long end, Func<long, long?> value) => Column(begin, end, value);

    private static ReadOnlyMemory<double> Doubles(long begin, long end, Func<long, double> value) => Column(begin, end, value);

    private static ReadOnlyMemory<double?> NullableDoubles(long begin, long end, Func<long, double?> value) => Column(begin, end, value);

    private static T[] Column<T>(long begin, long end, Func<long, T> value)
    {
        var values = new T[end - begin];
        for (long row = begin; row < end; row++)
        {
            values[row - begin] = value(row);
        }

        return values;
    }
}
