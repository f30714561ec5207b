using MellaPipeline.Config;
using MellaPipeline.Orchestration.MapStages;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Orchestration.Tests.MapStages;

public class BlocklistStepTests
{
    [Fact]
    public void A_bad_line_is_one_problem_naming_file_and_line_and_good_lists_have_none()
    {
        using var dir = new TempDir();
        string good = dir.File("good.txt");
        File.WriteAllText(good, "# comment\n0123456789abcdef\tid\n\n");
        string bad = dir.File("bad.txt");
        File.WriteAllText(bad, "0123456789abcdef\n0123456789abcdeg\n");

        Assert.Null(BlocklistStep.BlocklistProblem(new SafetyOptions()));
        Assert.Null(BlocklistStep.BlocklistProblem(new SafetyOptions { Blocklist = [good] }));
        Assert.StartsWith($"stages.safety.blocklist: {bad}:2: expected a SHA-256", BlocklistStep.BlocklistProblem(new SafetyOptions { Blocklist = [good, bad] }));
        Assert.Null(BlocklistStep.For(new SafetyOptions()));
        Assert.True(BlocklistStep.For(new SafetyOptions { Blocklist = [good], BlocklistThreshold = 2 })!.BlocksPerceptualHash(0x0123456789abcdefUL ^ 3));
    }
}
