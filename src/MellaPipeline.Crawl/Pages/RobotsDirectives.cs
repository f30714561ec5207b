namespace MellaPipeline.Crawl.Pages;

/// <summary>
/// What a page says about its use, from <c>X-Robots-Tag</c> headers and <c>&lt;meta name="robots"&gt;</c>:
/// <c>noindex</c>/<c>none</c>, <c>nofollow</c>, and the AI opt-outs <c>noai</c> and <c>noimageai</c>.
/// Directives scoped to another crawler (<c>googlebot: noindex</c>) are ignored; ones scoped to our
/// user agent apply.
/// </summary>
public sealed record RobotsDirectives(bool NoIndex, bool NoFollow, bool NoAi, bool NoImageAi)
{
    public static readonly RobotsDirectives None = new(false, false, false, false);

    /// <summary>The drop reason for the page's pairs, or null when its pairs may be used.</summary>
    public string? OptOutReason =>
        NoAi ? PageStatus.RobotsNoAi : NoImageAi ? PageStatus.RobotsNoImageAi : NoIndex ? PageStatus.RobotsNoIndex : null;

    /// <summary>The directives in effect, comma-separated (empty when none).</summary>
    public override string ToString() =>
        string.Join(",", new[] { (NoIndex, "noindex"), (NoFollow, "nofollow"), (NoAi, "noai"), (NoImageAi, "noimageai") }.Where(d => d.Item1).Select(d => d.Item2));

    /// <summary>Reads directive lists such as <c>noindex, nofollow</c> or <c>mellabot: noai</c>.</summary>
    /// <param name="values">Header values or meta contents; null entries are ignored.</param>
    /// <param name="productToken">Our crawler's product token (lower case), for scoped directives.</param>
    public static RobotsDirectives Parse(IEnumerable<string?> values, string productToken)
    {
        bool noIndex = false, noFollow = false, noAi = false, noImageAi = false;
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            string? scope = null;
            foreach (var raw in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                string directive = raw.ToLowerInvariant();
                int colon = directive.IndexOf(':');
                if (colon > 0 && !directive.StartsWith("unavailable_after", StringComparison.Ordinal) && !directive.StartsWith("max-", StringComparison.Ordinal))
                {
                    scope = directive[..colon].Trim();
                    directive = directive[(colon + 1)..].Trim();
                }

                if (scope is not null && scope != productToken)
                {
                    continue;
                }

                switch (directive)
                {
                    case "noindex": noIndex = true; break;
                    case "nofollow": noFollow = true; break;
                    case "none": noIndex = true; noFollow = true; break;
                    case "noai": noAi = true; break;
                    case "noimageai": noImageAi = true; break;
                }
            }
        }

        return new RobotsDirectives(noIndex, noFollow, noAi, noImageAi);
    }
}

/// <summary>Reason codes for a whole page: names for entries of the registry, <see cref="Stages.ReasonCodes"/>.</summary>
public static class PageStatus
{
    public const string RobotsNoAi = Stages.ReasonCodes.RobotsNoAi;
    public const string RobotsNoImageAi = Stages.ReasonCodes.RobotsNoImageAi;
    public const string RobotsNoIndex = Stages.ReasonCodes.RobotsNoIndex;
    public const string NotHtml = Stages.ReasonCodes.PageNotHtml;
}
