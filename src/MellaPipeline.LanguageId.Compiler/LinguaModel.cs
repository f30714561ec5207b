using System.IO.Compression;
using System.Text.Json;

namespace MellaPipeline.LanguageId.Compiler;

/// <summary>One n-gram of a Lingua model with its relative frequency as the model writes it (a reduced fraction).</summary>
internal readonly record struct NgramFraction(string Ngram, long Numerator, long Denominator)
{
    /// <summary>The probability exactly as Lingua computes it when it loads the model.</summary>
    public double Probability => (double)Numerator / Denominator;
}

/// <summary>Reads Lingua's brotli-compressed JSON models: <c>{"language": …, "ngrams": {"a/b": "ng1 ng2 …"}}</c>.</summary>
internal static class LinguaModel
{
    public static string Name(int order) => order switch
    {
        1 => "unigrams",
        2 => "bigrams",
        3 => "trigrams",
        4 => "quadrigrams",
        5 => "fivegrams",
        _ => throw new ArgumentOutOfRangeException(nameof(order)),
    };

    /// <summary>The n-grams of one language and order, or none when Lingua has no such model (it then scores nothing from it either).</summary>
    public static List<NgramFraction> Read(string modelsDirectory, string code, int order)
    {
        string path = Path.Combine(modelsDirectory, code, Name(order) + ".json.br");
        var result = new List<NgramFraction>();
        if (!File.Exists(path))
        {
            return result;
        }

        using var file = File.OpenRead(path);
        using var brotli = new BrotliStream(file, CompressionMode.Decompress);
        using var json = JsonDocument.Parse(brotli);
        foreach (var fraction in json.RootElement.GetProperty("ngrams").EnumerateObject())
        {
            int slash = fraction.Name.IndexOf('/');
            long numerator = long.Parse(fraction.Name.AsSpan(0, slash), System.Globalization.CultureInfo.InvariantCulture);
            long denominator = long.Parse(fraction.Name.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture);
            foreach (string ngram in (fraction.Value.GetString() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                result.Add(new NgramFraction(ngram, numerator, denominator));
            }
        }

        return result;
    }
}
