using Lucene.Net.Tartarus.Snowball;

namespace MellaPipeline.Metrics;

/// <summary>
/// The stemmers METEOR's and ROUGE's stem stage uses, where a maintained one exists for the
/// language: English — NLTK's Porter (what rouge-score and NLTK use); Russian and Hungarian — the
/// Snowball project's stemmers; Czech and Arabic — Lucene's light stemmers (Dolamic &amp; Savoy;
/// Larkey et al.). None for Korean, Thai, Vietnamese (no inflection to strip, or no maintained
/// stemmer) and Serbian (not in the Snowball release Lucene.NET ships).
/// </summary>
public static class LanguageStemmers
{
    public static IStemmer? For(string lang) => lang switch
    {
        "en" => PorterStemmer.Instance,
        "ru" => new Snowball("snowball-ru", new Lucene.Net.Tartarus.Snowball.Ext.RussianStemmer()),
        "hu" => new Snowball("snowball-hu", new Lucene.Net.Tartarus.Snowball.Ext.HungarianStemmer()),
        "cs" => new Light("lucene-cs-light", new Lucene.Net.Analysis.Cz.CzechStemmer().Stem),
        "ar" => new Light("lucene-ar-light", new Lucene.Net.Analysis.Ar.ArabicStemmer().Stem),
        _ => null,
    };

    /// <summary>A Snowball stemmer; one instance per scorer (they keep state between calls).</summary>
    private sealed class Snowball(string name, SnowballProgram program) : IStemmer
    {
        public string Name => name;

        public string Stem(string word)
        {
            program.SetCurrent(word);
            program.Stem();
            return program.Current;
        }
    }

    /// <summary>A Lucene light stemmer working on a character buffer.</summary>
    private sealed class Light(string name, Func<char[], int, int> stem) : IStemmer
    {
        public string Name => name;

        public string Stem(string word)
        {
            var buffer = word.ToCharArray();
            return new string(buffer, 0, stem(buffer, buffer.Length));
        }
    }
}
