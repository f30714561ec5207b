using System.Text.RegularExpressions;
using MellaPipeline.Stages;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Stages;

/// <summary>The reason registry against README's reason tables (both directions), and the codes it makes.</summary>
public partial class ReasonRegistryTests
{
    /// <summary>Every code README's tables list (first column of a table headed <c>reason</c> or <c>status</c>), with the table's kind column when it has one.</summary>
    private static List<(string Code, string? Kind, int Line)> ReadmeCodes()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"));
        var codes = new List<(string, string?, int)>();
        int kindColumn = -1;
        bool inTable = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith('|'))
            {
                inTable = false;
                continue;
            }

            var cells = lines[i].Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (!inTable)
            {
                // A table's header: only reason tables are read, and the separator line after it is skipped.
                inTable = cells[0] is "reason" or "status";
                kindColumn = Array.IndexOf(cells, "kind");
                i++;
                continue;
            }

            string? kind = kindColumn >= 0 ? cells[kindColumn] : null;
            codes.AddRange(Code().Matches(cells[0]).Select(m => (m.Groups[1].Value, kind, i + 1)));
        }

        return codes;
    }

    [Fact]
    public void Every_code_of_readme_is_in_the_registry_with_its_kind()
    {
        var readme = ReadmeCodes();
        Assert.True(readme.Count > 100, $"only {readme.Count} codes found in README's tables");
        foreach (var (code, kind, line) in readme)
        {
            var entry = ReasonCodes.Find(code);
            Assert.True(entry is not null, $"README.md:{line}: `{code}` is not in the registry");
            if (kind is not null)
            {
                Assert.True(entry.Kind.ToString().Equals(kind, StringComparison.OrdinalIgnoreCase), $"README.md:{line}: `{code}` is {kind} there, {entry.Kind} in the registry");
            }
        }
    }

    [Fact]
    public void Every_code_of_the_registry_is_in_readme()
    {
        var documented = ReadmeCodes().Select(c => ReasonCodes.Find(c.Code)?.Code).ToHashSet();
        var missing = ReasonCodes.All.Select(r => r.Code).Where(c => !documented.Contains(c)).ToArray();
        Assert.True(missing.Length == 0, $"not in README's reason tables: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Codes_are_snake_case_and_listed_once()
    {
        Assert.All(ReasonCodes.All, r => Assert.Matches("^[a-z][a-z0-9]*(_[a-z0-9]+)*(_NNN)?$", r.Code));
        Assert.Equal(ReasonCodes.All.Count, ReasonCodes.All.Select(r => r.Code).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("timeout", "image_timeout")]
    [InlineData("robots_disallowed", "image_robots_disallowed")]
    [InlineData("too_large", "image_too_large")]
    [InlineData("noai", "image_noai")]
    [InlineData("http_404", "image_http_404")]
    [InlineData("http_503", "image_http_503")]
    public void An_image_download_reports_its_fetch_reason_through_the_registry(string fetchReason, string code)
    {
        Assert.Equal(code, ReasonCodes.ImageFetch(fetchReason));
        Assert.Equal(ReasonFamily.Image, ReasonCodes.Find(code)!.Family);
    }

    [Fact]
    public void An_unknown_fetch_reason_is_a_bug_not_a_code()
    {
        Assert.Throws<ArgumentException>(() => ReasonCodes.ImageFetch("image_timeout"));
        Assert.Throws<ArgumentException>(() => ReasonCodes.ImageFetch("alt_empty"));
    }

    [Fact]
    public void Templates_make_and_recognise_their_codes()
    {
        Assert.Equal("http_404", ReasonCodes.Http(404));
        Assert.Equal("caption_endpoint_http_429", ReasonCodes.CaptionEndpointHttp(429));
        Assert.Equal("http_NNN", ReasonCodes.Find("http_418")!.Code);
        Assert.Null(ReasonCodes.Find("http_5000"));
        Assert.Null(ReasonCodes.Find("http_abc"));
        Assert.Equal(OutcomeKind.Dropped, ReasonCodes.Find("image_noai")!.Kind);
        Assert.False(ReasonCodes.IsTransient("image_noai")); // an opt-out does not go away on retry
        Assert.Equal(OutcomeKind.Failed, ReasonCodes.Find("image_robots_disallowed")!.Kind);
        Assert.Equal(OutcomeKind.Dropped, ReasonCodes.Find("robots_disallowed")!.Kind);
    }

    // `code` or `code_NNN` in backquotes; "`http_404`, …" examples resolve to their template.
    [GeneratedRegex("`([a-z][a-z0-9_]*(?:NNN|[a-z0-9]))`")]
    private static partial Regex Code();
}
