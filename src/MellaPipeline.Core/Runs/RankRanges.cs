using System.Globalization;

namespace MellaPipeline.Runs;

/// <summary>Sets of task ranks written as Slurm writes array indices: <c>0-3,7,9-10</c>.</summary>
public static class RankRanges
{
    public static string Format(IEnumerable<int> ranks)
    {
        var sorted = ranks.Distinct().Order().ToArray();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(i == j
                ? sorted[i].ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{sorted[i]}-{sorted[j]}"));
            i = j + 1;
        }

        return string.Join(',', parts);
    }

    /// <summary>The ranks of an expression like <c>0-3,7</c>; false when it is not one.</summary>
    public static bool TryParse(string text, out List<int> ranks)
    {
        ranks = [];
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-');
            if (bounds.Length is < 1 or > 2
                || !int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
                || !int.TryParse(bounds[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last)
                || last < first)
            {
                return false;
            }

            for (int r = first; r <= last; r++)
            {
                ranks.Add(r);
            }
        }

        return ranks.Count > 0;
    }
}
