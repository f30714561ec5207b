namespace MellaPipeline.Metrics;

/// <summary>A word stemmer for METEOR's and ROUGE's stem matching.</summary>
public interface IStemmer
{
    /// <summary>Its name in metric signatures.</summary>
    string Name { get; }

    string Stem(string word);
}

/// <summary>
/// NLTK's <c>PorterStemmer</c> in its default <c>NLTK_EXTENSIONS</c> mode, rule for rule — the
/// stemmer rouge-score and NLTK's METEOR use, so English scores match theirs.
/// </summary>
public sealed class PorterStemmer : IStemmer
{
    public static readonly PorterStemmer Instance = new();

    private static readonly Dictionary<string, string> Irregular = new(StringComparer.Ordinal)
    {
        ["sky"] = "sky", ["skies"] = "sky", ["dying"] = "die", ["lying"] = "lie", ["tying"] = "tie", ["news"] = "news",
        ["innings"] = "inning", ["inning"] = "inning", ["outings"] = "outing", ["outing"] = "outing",
        ["cannings"] = "canning", ["canning"] = "canning", ["howe"] = "howe", ["proceed"] = "proceed", ["exceed"] = "exceed", ["succeed"] = "succeed",
    };

    public string Name => "porter-nltk";

    public string Stem(string word)
    {
        string stem = word.ToLowerInvariant();
        if (Irregular.TryGetValue(word, out string? irregular) && Irregular.ContainsKey(stem))
        {
            return Irregular[stem];
        }

        if (word.Length <= 2)
        {
            return stem;
        }

        stem = Step1a(stem);
        stem = Step1b(stem);
        stem = Step1c(stem);
        stem = Step2(stem);
        stem = Step3(stem);
        stem = Step4(stem);
        stem = Step5a(stem);
        return Step5b(stem);
    }

    private static bool IsConsonant(string word, int i)
    {
        char c = word[i];
        if (c is 'a' or 'e' or 'i' or 'o' or 'u')
        {
            return false;
        }

        return c != 'y' || i == 0 || !IsConsonant(word, i - 1);
    }

    private static int Measure(string stem)
    {
        int count = 0;
        for (int i = 0; i + 1 < stem.Length; i++)
        {
            if (!IsConsonant(stem, i) && IsConsonant(stem, i + 1))
            {
                count++;
            }
        }

        return count;
    }

    private static bool PositiveMeasure(string stem) => Measure(stem) > 0;

    private static bool ContainsVowel(string stem)
    {
        for (int i = 0; i < stem.Length; i++)
        {
            if (!IsConsonant(stem, i))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EndsDoubleConsonant(string word) =>
        word.Length >= 2 && word[^1] == word[^2] && IsConsonant(word, word.Length - 1);

    private static bool EndsCvc(string word) =>
        (word.Length >= 3 && IsConsonant(word, word.Length - 3) && !IsConsonant(word, word.Length - 2) && IsConsonant(word, word.Length - 1)
            && word[^1] is not ('w' or 'x' or 'y'))
        || (word.Length == 2 && !IsConsonant(word, 0) && IsConsonant(word, 1));

    private static string Cut(string word, string suffix) => word[..^suffix.Length];

    /// <summary>The first rule whose suffix the word ends with decides: replaced if its condition holds, else the word stays.</summary>
    private static string ApplyRules(string word, (string Suffix, string Replacement, Func<string, bool>? Condition)[] rules)
    {
        foreach (var (suffix, replacement, condition) in rules)
        {
            if (suffix == "*d" && EndsDoubleConsonant(word))
            {
                string doubled = word[..^2];
                return condition is null || condition(doubled) ? doubled + replacement : word;
            }

            if (suffix != "*d" && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                string stem = Cut(word, suffix);
                return condition is null || condition(stem) ? stem + replacement : word;
            }
        }

        return word;
    }

    private static string Step1a(string word)
    {
        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length == 4)
        {
            return Cut(word, "ies") + "ie";
        }

        return ApplyRules(word, [("sses", "ss", null), ("ies", "i", null), ("ss", "ss", null), ("s", "", null)]);
    }

    private static string Step1b(string word)
    {
        if (word.EndsWith("ied", StringComparison.Ordinal))
        {
            return Cut(word, "ied") + (word.Length == 4 ? "ie" : "i");
        }

        if (word.EndsWith("eed", StringComparison.Ordinal))
        {
            string stem = Cut(word, "eed");
            return Measure(stem) > 0 ? stem + "ee" : word;
        }

        string? intermediate = null;
        foreach (string suffix in (string[])["ed", "ing"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && ContainsVowel(Cut(word, suffix)))
            {
                intermediate = Cut(word, suffix);
                break;
            }
        }

        if (intermediate is null)
        {
            return word;
        }

        char last = intermediate.Length > 0 ? intermediate[^1] : '\0';
        return ApplyRules(intermediate,
        [
            ("at", "ate", null),
            ("bl", "ble", null),
            ("iz", "ize", null),
            ("*d", last.ToString(), _ => last is not ('l' or 's' or 'z')),
            ("", "e", stem => Measure(stem) == 1 && EndsCvc(stem)),
        ]);
    }

    private static string Step1c(string word) =>
        ApplyRules(word, [("y", "i", stem => stem.Length > 1 && IsConsonant(stem, stem.Length - 1))]);

    private static string Step2(string word)
    {
        if (word.EndsWith("alli", StringComparison.Ordinal) && PositiveMeasure(Cut(word, "alli")))
        {
            return Step2(Cut(word, "alli") + "al");
        }

        return ApplyRules(word,
        [
            ("ational", "ate", PositiveMeasure), ("tional", "tion", PositiveMeasure), ("enci", "ence", PositiveMeasure),
            ("anci", "ance", PositiveMeasure), ("izer", "ize", PositiveMeasure), ("bli", "ble", PositiveMeasure),
            ("alli", "al", PositiveMeasure), ("entli", "ent", PositiveMeasure), ("eli", "e", PositiveMeasure),
            ("ousli", "ous", PositiveMeasure), ("ization", "ize", PositiveMeasure), ("ation", "ate", PositiveMeasure),
            ("ator", "ate", PositiveMeasure), ("alism", "al", PositiveMeasure), ("iveness", "ive", PositiveMeasure),
            ("fulness", "ful", PositiveMeasure), ("ousness", "ous", PositiveMeasure), ("aliti", "al", PositiveMeasure),
            ("iviti", "ive", PositiveMeasure), ("biliti", "ble", PositiveMeasure), ("fulli", "ful", PositiveMeasure),
            ("logi", "log", _ => PositiveMeasure(word[..^3])),
        ]);
    }

    private static string Step3(string word) => ApplyRules(word,
    [
        ("icate", "ic", PositiveMeasure), ("ative", "", PositiveMeasure), ("alize", "al", PositiveMeasure),
        ("iciti", "ic", PositiveMeasure), ("ical", "ic", PositiveMeasure), ("ful", "", PositiveMeasure), ("ness", "", PositiveMeasure),
    ]);

    private static string Step4(string word)
    {
        static bool Gt1(string stem) => Measure(stem) > 1;
        return ApplyRules(word,
        [
            ("al", "", Gt1), ("ance", "", Gt1), ("ence", "", Gt1), ("er", "", Gt1), ("ic", "", Gt1), ("able", "", Gt1),
            ("ible", "", Gt1), ("ant", "", Gt1), ("ement", "", Gt1), ("ment", "", Gt1), ("ent", "", Gt1),
            ("ion", "", stem => Measure(stem) > 1 && stem.Length > 0 && stem[^1] is 's' or 't'),
            ("ou", "", Gt1), ("ism", "", Gt1), ("ate", "", Gt1), ("iti", "", Gt1), ("ous", "", Gt1), ("ive", "", Gt1), ("ize", "", Gt1),
        ]);
    }

    private static string Step5a(string word)
    {
        if (word.EndsWith('e'))
        {
            string stem = word[..^1];
            int measure = Measure(stem);
            if (measure > 1 || (measure == 1 && !EndsCvc(stem)))
            {
                return stem;
            }
        }

        return word;
    }

    private static string Step5b(string word) => ApplyRules(word, [("ll", "l", _ => Measure(word[..^1]) > 1)]);
}
