using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Pages;

namespace MellaPipeline.Crawl.Tests;

public class RobotsAndRepeatsTests
{
    [Theory]
    [InlineData("noindex, nofollow", "noindex,nofollow", PageStatus.RobotsNoIndex)]
    [InlineData("none", "noindex,nofollow", PageStatus.RobotsNoIndex)]
    [InlineData("noai, noimageai", "noai,noimageai", PageStatus.RobotsNoAi)]
    [InlineData("NoImageAI", "noimageai", PageStatus.RobotsNoImageAi)]
    [InlineData("googlebot: noindex", "", null)]
    [InlineData("mellapipeline: noai", "noai", PageStatus.RobotsNoAi)]
    [InlineData("googlebot: noindex, nofollow", "", null)]
    [InlineData("index, follow, max-snippet:50", "", null)]
    [InlineData("unavailable_after: 2030-01-01", "", null)]
    public void Robots_directives_are_parsed_with_their_scope(string value, string directives, string? reason)
    {
        var robots = RobotsDirectives.Parse([value], PageExtraction.DefaultProductToken);

        Assert.Equal(directives, robots.ToString());
        Assert.Equal(reason, robots.OptOutReason);
    }

    [Fact]
    public void Meta_robots_and_header_combine()
    {
        var page = PageExtraction.Extract(new FetchedPage(
            "https://example.hu/", 200, "text/html", null, "noimageai",
            "<html><head><meta name=\"robots\" content=\"nofollow\"></head><body></body></html>"u8.ToArray()));

        Assert.Equal("nofollow,noimageai", page.Robots.ToString());
    }

    [Fact]
    public void An_alt_repeated_across_a_hosts_pages_is_dropped_after_the_limit()
    {
        var repeats = new DomainAltRepeats(maxPages: 2);

        Assert.False(repeats.IsRepeated("news.example.hu", "https://news.example.hu/1", "A szerkesztőség logója"));
        Assert.False(repeats.IsRepeated("news.example.hu", "https://news.example.hu/1", "A szerkesztőség logója")); // same page again
        Assert.False(repeats.IsRepeated("NEWS.example.hu", "https://news.example.hu/2", "A szerkesztőség logója"));
        Assert.True(repeats.IsRepeated("news.example.hu", "https://news.example.hu/3", "A szerkesztőség logója"));
        Assert.False(repeats.IsRepeated("other.example.hu", "https://other.example.hu/3", "A szerkesztőség logója"));
        Assert.False(repeats.IsRepeated("news.example.hu", "https://news.example.hu/3", "Budapest télen, a Lánchíd"));
    }

    [Fact]
    public void Tracking_stops_at_the_entry_limit()
    {
        var repeats = new DomainAltRepeats(maxPages: 1, maxEntries: 1);
        repeats.IsRepeated("a.example", "https://a.example/1", "first");
        repeats.IsRepeated("a.example", "https://a.example/1", "second"); // not tracked: over the limit

        Assert.True(repeats.IsRepeated("a.example", "https://a.example/2", "first"));
        Assert.False(repeats.IsRepeated("a.example", "https://a.example/2", "second"));
    }
}
