using MellaPipeline.Images;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Dedup.Tests;

public class HashBlocklistTests
{
    private const string Sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Fact]
    public void Sha256_entries_match_exactly_and_phash_entries_within_the_threshold()
    {
        using var dir = new TempDir();
        string file = dir.File("list.txt");
        File.WriteAllText(file, $"# supplied list\n\n{Sha.ToUpperInvariant()}\tcase-17\n00000000000000ff\n");

        var list = HashBlocklist.Read([file], threshold: 4, out string? problem);

        Assert.Null(problem);
        Assert.NotNull(list);
        Assert.True(list.HasSha256 && list.HasPerceptualHashes);
        Assert.True(list.BlocksSha256(Convert.FromHexString(Sha)));
        Assert.False(list.BlocksSha256(new byte[32]));
        Assert.True(list.BlocksPerceptualHash(0x0fUL));   // 4 bits from 0xff
        Assert.False(list.BlocksPerceptualHash(0x07UL));  // 5 bits
    }

    [Theory]
    [InlineData("0123", 1)]
    [InlineData("00000000000000ff\nnot-hex-at-all-0\n", 2)]
    [InlineData("# c\n9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0\n", 2)] // 63 digits
    public void Any_other_line_is_a_problem_naming_file_and_line(string content, int line)
    {
        using var dir = new TempDir();
        string file = dir.File("list.txt");
        File.WriteAllText(file, content);

        Assert.Null(HashBlocklist.Read([file], 4, out string? problem));
        Assert.StartsWith($"{file}:{line}: expected a SHA-256", problem);
    }

    [Fact]
    public void A_missing_list_is_a_problem_naming_it()
    {
        Assert.Null(HashBlocklist.Read(["/nonexistent/list.txt"], 4, out string? problem));
        Assert.Equal("/nonexistent/list.txt: no such file", problem);
    }
}
