using System.Globalization;
using System.Text;

namespace MellaPipeline.Crawl.Fetching;

/// <summary>
/// A parsed robots.txt (RFC 9309): the group for our product token if there is one, else the
/// <c>*</c> group; the longest matching rule wins, <c>Allow</c> on a tie; <c>*</c> and <c>$</c>
/// in paths; <c>Crawl-delay</c> kept as a politeness hint.
/// </summary>
public sealed class RobotsTxt
{
    public static readonly RobotsTxt AllowAll = new([], null);

    /// <summary>Used when robots.txt could not be fetched because of a server error: RFC 9309 says assume complete disallow.</summary>
    public static readonly RobotsTxt DisallowAll = new([(false, "/")], null);

    private readonly List<(bool Allow, string Pattern)> _rules;

    private RobotsTxt(List<(bool Allow, string Pattern)> rules, double? crawlDelaySeconds)
    {
        _rules = rules;
        CrawlDelaySeconds = crawlDelaySeconds;
    }

    public double? CrawlDelaySeconds { get; }

    public static RobotsTxt Parse(string text, string productToken)
    {
        var groups = new List<(List<string> Agents, List<(bool, string)> Rules, double? Delay)>();
        (List<string> Agents, List<(bool, string)> Rules, double? Delay)? current = null;
        bool lastWasAgent = false;
        foreach (var rawLine in text.Split('\n'))
        {
            string line = rawLine;
            int hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash];
            }

            int colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            string key = line[..colon].Trim().ToLowerInvariant();
            string value = line[(colon + 1)..].Trim();
            if (key == "user-agent")
            {
                if (current is null || !lastWasAgent)
                {
                    current = ([], [], null);
                    groups.Add(current.Value);
                }

                current.Value.Agents.Add(value.ToLowerInvariant());
                lastWasAgent = true;
                continue;
            }

            lastWasAgent = false;
            if (current is not { } group)
            {
                continue;
            }

            switch (key)
            {
                case "allow" or "disallow" when value.Length > 0:
                    group.Rules.Add((key == "allow", value));
                    break;
                case "crawl-delay" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double delay) && delay >= 0:
                    groups[^1] = group with { Delay = delay };
                    current = groups[^1];
                    break;
            }
        }

        string token = productToken.ToLowerInvariant();
        var ours = groups.Where(g => g.Agents.Contains(token)).ToList();
        var chosen = ours.Count > 0 ? ours : groups.Where(g => g.Agents.Contains("*")).ToList();
        return new RobotsTxt(chosen.SelectMany(g => g.Rules).ToList(), chosen.Select(g => g.Delay).FirstOrDefault(d => d is not null));
    }

    /// <summary>Whether our crawler may fetch the path and query of <paramref name="url"/>.</summary>
    public bool IsAllowed(Uri url)
    {
        if (url.AbsolutePath == "/robots.txt")
        {
            return true;
        }

        string path = Uri.UnescapeDataString(url.PathAndQuery);
        int bestLength = -1;
        bool allowed = true;
        foreach (var (allow, pattern) in _rules)
        {
            if (Matches(path, Uri.UnescapeDataString(pattern)) && (pattern.Length > bestLength || (pattern.Length == bestLength && allow)))
            {
                bestLength = pattern.Length;
                allowed = allow;
            }
        }

        return allowed;
    }

    private static bool Matches(string path, string pattern)
    {
        bool anchored = pattern.EndsWith('$');
        if (anchored)
        {
            pattern = pattern[..^1];
        }

        var parts = pattern.Split('*');
        if (!path.StartsWith(parts[0], StringComparison.Ordinal))
        {
            return false;
        }

        int position = parts[0].Length;
        for (int i = 1; i < parts.Length; i++)
        {
            int found = i == parts.Length - 1 && anchored
                ? (path.Length - parts[i].Length >= position && path.EndsWith(parts[i], StringComparison.Ordinal) ? path.Length - parts[i].Length : -1)
                : path.IndexOf(parts[i], position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        return !anchored || position == path.Length;
    }

    /// <summary>Decodes a robots.txt body (UTF-8, a BOM tolerated), keeping at most the first 500 KiB as RFC 9309 allows.</summary>
    public static string Decode(byte[] body) =>
        Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 500 * 1024))).TrimStart('\uFEFF');
}
