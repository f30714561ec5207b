using System.Net;
using MellaPipeline.Crawl.Fetching;

namespace MellaPipeline.Crawl.Tests;

/// <summary>The SSRF guard's classifier, tested directly: no packet is ever sent to these addresses.</summary>
public class AddressAndRobotsTxtTests
{
    [Theory]
    [InlineData("8.8.8.8", AddressKind.Public)]
    [InlineData("93.184.216.34", AddressKind.Public)]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("127.255.0.9", AddressKind.Loopback)]
    [InlineData("10.1.2.3", AddressKind.Private)]
    [InlineData("172.16.0.1", AddressKind.Private)]
    [InlineData("172.31.255.255", AddressKind.Private)]
    [InlineData("172.32.0.1", AddressKind.Public)]
    [InlineData("192.168.1.1", AddressKind.Private)]
    [InlineData("100.64.0.1", AddressKind.Private)]
    [InlineData("169.254.169.254", AddressKind.LinkLocal)]
    [InlineData("224.0.0.1", AddressKind.Multicast)]
    [InlineData("255.255.255.255", AddressKind.Reserved)]
    [InlineData("0.0.0.0", AddressKind.Unspecified)]
    [InlineData("192.0.2.10", AddressKind.Reserved)]
    [InlineData("198.18.0.1", AddressKind.Reserved)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("::", AddressKind.Unspecified)]
    [InlineData("fe80::1", AddressKind.LinkLocal)]
    [InlineData("fd12:3456::1", AddressKind.Private)]
    [InlineData("ff02::1", AddressKind.Multicast)]
    [InlineData("::ffff:10.0.0.1", AddressKind.Private)]
    [InlineData("::ffff:127.0.0.1", AddressKind.Loopback)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressKind.LinkLocal)]
    [InlineData("2001:db8::1", AddressKind.Reserved)]
    [InlineData("2a00:1450:4001:81c::200e", AddressKind.Public)]
    public void Addresses_are_classified(string address, AddressKind kind) =>
        Assert.Equal(kind, AddressClassifier.Classify(IPAddress.Parse(address)));

    [Fact]
    public void The_guard_allows_public_addresses_and_exactly_the_listed_others()
    {
        var guard = new AddressGuard([IPAddress.Parse("127.0.0.1")]);

        Assert.True(guard.IsAllowed(IPAddress.Parse("127.0.0.1")));
        Assert.True(guard.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(guard.IsAllowed(IPAddress.Parse("127.0.0.2")));
        Assert.False(guard.IsAllowed(IPAddress.Parse("10.0.0.1")));
        Assert.True(guard.IsAllowed(IPAddress.Parse("8.8.4.4")));
        Assert.False(new AddressGuard().IsAllowed(IPAddress.Loopback));
    }

    private const string Robots = """
        # comments are ignored
        User-agent: *
        Disallow: /

        User-agent: MellaPipeline
        User-agent: otherbot
        Disallow: /private/
        Disallow: /*.pdf$
        Allow: /private/open/
        Disallow: /search?
        Crawl-delay: 2
        """;

    [Theory]
    [InlineData("/", true)]
    [InlineData("/news/1.html", true)]
    [InlineData("/private/x.html", false)]
    [InlineData("/private/open/x.html", true)]
    [InlineData("/files/report.pdf", false)]
    [InlineData("/files/report.pdf.html", true)]
    [InlineData("/search?q=1", false)]
    [InlineData("/search", true)]
    [InlineData("/robots.txt", true)]
    public void Our_group_is_chosen_and_the_longest_rule_wins(string path, bool allowed)
    {
        var robots = RobotsTxt.Parse(Robots, "mellapipeline");

        Assert.Equal(allowed, robots.IsAllowed(new Uri("https://example.cz" + path)));
        Assert.Equal(2, robots.CrawlDelaySeconds);
    }

    [Fact]
    public void Without_our_group_the_star_group_applies()
    {
        var robots = RobotsTxt.Parse(Robots, "somebot");

        Assert.False(robots.IsAllowed(new Uri("https://example.cz/news/1.html")));
        Assert.True(RobotsTxt.Parse("", "somebot").IsAllowed(new Uri("https://example.cz/a")));
    }
}
