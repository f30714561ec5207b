namespace MellaPipeline.Metrics;

/// <summary>
/// METEOR as NLTK 3.x's <c>meteor_score</c> computes it: words aligned greedily, scanning both
/// hypothesis and reference from the end — exact matches first, then matches of stems — then
/// P = m/|hyp|, R = m/|ref|, Fmean = PR / (αP + (1−α)R), a fragmentation penalty
/// γ·(chunks/m)^β, and the best score over the references. NLTK's third stage (English WordNet
/// synonyms) is left out: no such resource exists for the target languages; none of NLTK's own
/// test cases depends on it.
/// </summary>
public sealed class Meteor(IStemmer? stemmer, double alpha = 0.9, double beta = 3, double gamma = 0.5)
{
    public string Signature => $"meteor|alpha:{alpha}|beta:{beta}|gamma:{gamma}|match:exact{(stemmer is null ? "" : "+stem:" + stemmer.Name)}|tok:{WordTokenizer.Name}";

    /// <summary>The best score (0–1) over the references of already tokenized words (lower-cased here, as NLTK's default preprocessing does).</summary>
    public double Score(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis) =>
        references.Count == 0 ? 0 : references.Max(reference => Single(reference, hypothesis));

    public double Single(IReadOnlyList<string> reference, IReadOnlyList<string> hypothesis)
    {
        var hyp = hypothesis.Select((w, i) => (Index: i, Word: w.ToLowerInvariant())).ToList();
        var refs = reference.Select((w, i) => (Index: i, Word: w.ToLowerInvariant())).ToList();
        int hypLength = hyp.Count, refLength = refs.Count;
        var matches = Match(hyp, refs);
        if (stemmer is not null)
        {
            var stemmedHyp = hyp.Select(p => (p.Index, Word: stemmer.Stem(p.Word))).ToList();
            var stemmedRef = refs.Select(p => (p.Index, Word: stemmer.Stem(p.Word))).ToList();
            matches.AddRange(Match(stemmedHyp, stemmedRef));
        }

        matches.Sort((a, b) => a.Hyp.CompareTo(b.Hyp));
        int m = matches.Count;
        if (hypLength == 0 || refLength == 0 || m == 0)
        {
            return 0.0;
        }

        double precision = (double)m / hypLength, recall = (double)m / refLength;
        double fmean = precision * recall / (alpha * precision + (1 - alpha) * recall);
        double fragmentation = (double)Chunks(matches) / m;
        return (1 - gamma * Math.Pow(fragmentation, beta)) * fmean;
    }

    /// <summary>NLTK's <c>_match_enums</c>: removes matched words from both lists.</summary>
    private static List<(int Hyp, int Ref)> Match(List<(int Index, string Word)> hyp, List<(int Index, string Word)> refs)
    {
        var matches = new List<(int Hyp, int Ref)>();
        for (int i = hyp.Count - 1; i >= 0; i--)
        {
            for (int j = refs.Count - 1; j >= 0; j--)
            {
                if (string.Equals(hyp[i].Word, refs[j].Word, StringComparison.Ordinal))
                {
                    matches.Add((hyp[i].Index, refs[j].Index));
                    hyp.RemoveAt(i);
                    refs.RemoveAt(j);
                    break;
                }
            }
        }

        return matches;
    }

    private static int Chunks(List<(int Hyp, int Ref)> matches)
    {
        int chunks = 1;
        for (int i = 0; i < matches.Count - 1; i++)
        {
            if (!(matches[i + 1].Hyp == matches[i].Hyp + 1 && matches[i + 1].Ref == matches[i].Ref + 1))
            {
                chunks++;
            }
        }

        return chunks;
    }
}
