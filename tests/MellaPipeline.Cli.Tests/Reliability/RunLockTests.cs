using System.Diagnostics;
using System.Globalization;
using MellaPipeline.Crawl.Sources;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Cli.Tests.Reliability;

/// <summary>
/// A crawl whose page the local server holds back until the test releases it: a <c>mella run</c>
/// that is reliably still working (it holds its locks) while the test starts other processes.
/// </summary>
internal sealed class HeldSite : IAsyncDisposable
{
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly TempDir _dir = new();

    public HeldSite(int tasks)
    {
        string folder = _dir.Path;
        Run = _dir.File("run");
        Server.Map("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain");
        Server.Map("/img/most.png", SyntheticPng.Create(96, 64, seed: 5), "image/png");
        Server.Map("/page.html", async context =>
        {
            _requested.TrySetResult();
            await _released.Task;
            await LocalHttpServer.Respond(context, """<html lang="cs"><body><img src="/img/most.png" alt="Karlův most v Praze za svítání"></body></html>""");
        });
        string seed = new Uri(Server.Root, "page.html").AbsoluteUri;
        SeedRank = SeedList.RankOf(seed, seed, tasks);
        File.WriteAllText(Path.Combine(folder, "seeds.txt"), seed + "\n");
        Pipeline = Path.Combine(folder, "held.yaml");
        File.WriteAllText(Pipeline, $"""
            name: held
            input:
              kind: crawl
              paths: [seeds.txt]
              crawl: {"{"}allow_addresses: [127.0.0.1], requests_per_second_per_host: 100, max_depth: 0, attempt_timeout_seconds: 3600, total_timeout_seconds: 3600{"}"}
            languages: [cs]
            tasks: {tasks}
            workers: 1
            """);
    }

    public LocalHttpServer Server { get; } = new();

    public string Pipeline { get; }

    /// <summary>The run directory the tests use.</summary>
    public string Run { get; }

    /// <summary>The task that crawls the held page.</summary>
    public int SeedRank { get; }

    /// <summary>Starts <c>mella run</c> on the held pipeline; returns once it asked for the held page (it holds its locks and waits).</summary>
    public async Task<(Process Process, Task<MellaResult> Result)> StartHeldAsync(params string[] more)
    {
        var process = MellaProcess.Start(["run", Pipeline, "--out", Run, .. more]);
        var result = MellaProcess.WaitAsync(process);
        await Task.WhenAny(_requested.Task, result).WaitAsync(MellaProcess.HangLimit);
        Assert.True(_requested.Task.IsCompleted, "mella ended before it asked for the page: " + (result.IsCompleted ? result.Result.ToString() : ""));
        return (process, result);
    }

    public void Release() => _released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>One process per run directory, rank or reduce: a second one is refused at once, naming the first; a killed one blocks nothing.</summary>
public class RunLockTests
{
    private static string Rank(int rank) => rank.ToString(CultureInfo.InvariantCulture);

    /// <summary>The run ended well and holds the held page's one pair, once.</summary>
    private static void AssertComplete(MellaResult last, string run)
    {
        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.True(File.Exists(Path.Combine(run, "summary.json")));
        Assert.Equal(1L, Convert.ToInt64(DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Shards(run)}")));
    }

    [Fact]
    public async Task A_second_run_on_one_directory_is_refused_at_once_naming_the_first_and_the_first_finishes_complete()
    {
        await using var site = new HeldSite(tasks: 1);
        string run = site.Run;

        var (first, firstResult) = await site.StartHeldAsync();
        var second = await MellaProcess.RunAsync(["run", site.Pipeline, "--out", run]);
        var rank = await MellaProcess.RunAsync(["run", site.Pipeline, "--out", run, "--rank", "0"]);
        var status = await MellaProcess.RunAsync(["status", run]);
        site.Release();
        var finished = await firstResult;

        Assert.True(second.ExitCode == 2, second.ToString());
        Assert.StartsWith($"mella run: {run} is in use by pid {first.Id} (mella run, started ", second.Stderr, StringComparison.Ordinal);
        Assert.Single(second.Stderr.Trim().Split('\n'));
        Assert.True(rank.ExitCode == 2, rank.ToString());
        Assert.Contains($"in use by pid {first.Id}", rank.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, status.ExitCode); // status is not blocked: it reports the task as missing
        Assert.Contains("missing:  1", status.Stdout, StringComparison.Ordinal);
        AssertComplete(finished, run);
    }

    [Fact]
    public async Task A_run_killed_with_SIGKILL_leaves_no_lock_and_resuming_finishes_it()
    {
        await using var site = new HeldSite(tasks: 1);
        string run = site.Run;

        var (first, firstResult) = await site.StartHeldAsync();
        first.Kill();
        Assert.Equal(128 + 9, (await firstResult).ExitCode);

        site.Release();
        var resumed = await MellaProcess.RunAsync(["run", site.Pipeline, "--out", run, "--resume"]);

        AssertComplete(resumed, run);
    }

    [Fact]
    public async Task Two_ranks_run_side_by_side_the_same_rank_twice_and_a_whole_run_beside_them_are_refused()
    {
        await using var site = new HeldSite(tasks: 2);
        string run = site.Run;
        int held = site.SeedRank, other = 1 - site.SeedRank;

        var (first, firstResult) = await site.StartHeldAsync("--rank", Rank(held));
        var sameRank = await MellaProcess.RunAsync(["run", site.Pipeline, "--out", run, "--rank", Rank(held)]);
        var whole = await MellaProcess.RunAsync(["run", site.Pipeline, "--out", run]);
        var otherRank = await MellaProcess.RunAsync(["run", site.Pipeline, "--out", run, "--rank", Rank(other)]);
        var status = await MellaProcess.RunAsync(["status", run]);
        site.Release();
        var finished = await firstResult;
        var reduce = await MellaProcess.RunAsync(["run", site.Pipeline, "--out", run, "--reduce"]);

        Assert.True(sameRank.ExitCode == 2, sameRank.ToString());
        Assert.Contains($"{run} is in use by pid {first.Id} (mella run --rank {held},", sameRank.Stderr, StringComparison.Ordinal);
        Assert.True(whole.ExitCode == 2, whole.ToString());
        Assert.Contains($"in use by pid {first.Id} (mella run --rank {held},", whole.Stderr, StringComparison.Ordinal);
        Assert.True(otherRank.ExitCode == 0, otherRank.ToString()); // ran and finished while the first rank held its lock
        Assert.Equal(1, status.ExitCode);
        Assert.Contains($"missing:  1 ({held})", status.Stdout, StringComparison.Ordinal);
        Assert.True(finished.ExitCode == 0, finished.ToString());
        AssertComplete(reduce, run);
    }
}
