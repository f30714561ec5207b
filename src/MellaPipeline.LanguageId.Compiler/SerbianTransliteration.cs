using System.Numerics;

namespace MellaPipeline.LanguageId.Compiler;

/// <summary>
/// Derives a Latin-script Serbian model from Lingua's Cyrillic one. Serbian Cyrillic maps to Latin
/// letter by letter, except љ → lj, њ → nj, џ → dž, so a Cyrillic n-gram's Latin form can be longer.
/// Lingua's fractions are reduced, so the absolute counts are rebuilt first (unigram total = the
/// least common multiple of the unigram denominators; an n-gram's count = its probability times its
/// prefix's count). A Latin k-gram's count is then the sum, over the Cyrillic n-grams it is spread
/// across (its first and last letters inside the Cyrillic n-gram's first and last letters), of their
/// counts — what counting the transliterated corpus would give, so n-grams that change length
/// (lj, nj, dž, and those cut inside a digraph such as "jub" of "ljub") are re-bucketed by their Latin
/// length, not dropped. Probabilities are then renormalised Lingua's way: a unigram over all
/// unigrams, a longer n-gram over its prefix.
/// </summary>
internal static class SerbianTransliteration
{
    private static readonly Dictionary<char, string> Latin = new()
    {
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['д'] = "d", ['ђ'] = "đ", ['е'] = "e", ['ж'] = "ž", ['з'] = "z",
        ['и'] = "i", ['ј'] = "j", ['к'] = "k", ['л'] = "l", ['љ'] = "lj", ['м'] = "m", ['н'] = "n", ['њ'] = "nj", ['о'] = "o",
        ['п'] = "p", ['р'] = "r", ['с'] = "s", ['т'] = "t", ['ћ'] = "ć", ['у'] = "u", ['ф'] = "f", ['х'] = "h", ['ц'] = "c",
        ['ч'] = "č", ['џ'] = "dž", ['ш'] = "š",
    };

    /// <summary>The Latin model, per order 1..maxOrder, from the Cyrillic models (orders 1..maxOrder) of <paramref name="modelsDirectory"/>.</summary>
    public static List<NgramFraction>[] Build(string modelsDirectory, string cyrillicCode, int maxOrder)
    {
        var cyrillic = new Dictionary<string, long>[maxOrder + 1];
        for (int order = 1; order <= maxOrder; order++)
        {
            cyrillic[order] = Counts(LinguaModel.Read(modelsDirectory, cyrillicCode, order), order == 1 ? null : cyrillic[order - 1]);
        }

        var latin = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int order = 1; order <= maxOrder; order++)
        {
            foreach (var (ngram, count) in cyrillic[order])
            {
                AddLatinSpans(ngram, count, maxOrder, latin);
            }
        }

        var result = new List<NgramFraction>[maxOrder + 1];
        result[0] = [];
        long unigramTotal = latin.Where(p => p.Key.Length == 1).Sum(p => p.Value);
        for (int order = 1; order <= maxOrder; order++)
        {
            result[order] = [];
            foreach (var (ngram, count) in latin.Where(p => p.Key.Length == order).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                long denominator = order == 1 ? unigramTotal : latin.GetValueOrDefault(ngram[..^1]);
                if (denominator >= count && count > 0)
                {
                    result[order].Add(new NgramFraction(ngram, count, denominator));
                }
            }
        }

        return result;
    }

    /// <summary>Absolute counts of one order: unigrams against their common total, longer n-grams against their prefix's count.</summary>
    private static Dictionary<string, long> Counts(List<NgramFraction> fractions, Dictionary<string, long>? prefixes)
    {
        var counts = new Dictionary<string, long>(fractions.Count, StringComparer.Ordinal);
        BigInteger total = BigInteger.One;
        if (prefixes is null)
        {
            foreach (var f in fractions)
            {
                total = total / BigInteger.GreatestCommonDivisor(total, f.Denominator) * f.Denominator;
            }
        }

        foreach (var f in fractions)
        {
            BigInteger basis = prefixes is null ? total : prefixes.GetValueOrDefault(f.Ngram[..^1]);
            if (basis.IsZero)
            {
                continue;
            }

            var count = (long)BigInteger.Divide(basis * f.Numerator + f.Denominator / 2, f.Denominator);
            if (count > 0)
            {
                counts[f.Ngram] = count;
            }
        }

        return counts;
    }

    /// <summary>Adds <paramref name="count"/> to every Latin k-gram (k ≤ max) of the n-gram's transliteration that starts in its first letter and ends in its last.</summary>
    private static void AddLatinSpans(string cyrillic, long count, int maxOrder, Dictionary<string, long> latin)
    {
        var text = new System.Text.StringBuilder();
        int firstEnd = 0, lastStart = 0;
        for (int i = 0; i < cyrillic.Length; i++)
        {
            if (!Latin.TryGetValue(cyrillic[i], out var letters))
            {
                return; // a letter Serbian does not write (Russian ы, old ѣ): no Latin form
            }

            if (i == cyrillic.Length - 1)
            {
                lastStart = text.Length;
            }

            text.Append(letters);
            if (i == 0)
            {
                firstEnd = text.Length;
            }
        }

        string form = text.ToString();
        for (int start = 0; start < firstEnd; start++)
        {
            for (int end = Math.Max(start + 1, lastStart + 1); end <= form.Length && end - start <= maxOrder; end++)
            {
                string key = form[start..end];
                latin[key] = latin.GetValueOrDefault(key) + count;
            }
        }
    }
}
