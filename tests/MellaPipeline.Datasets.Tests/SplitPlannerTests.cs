using MellaPipeline.Datasets.Splits;
using MellaPipeline.Parquet;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Datasets.Tests;

/// <summary>
/// The split plan over real shards, in-process: which rows go to eval, per language and source,
/// and what never crosses (a cluster, an image under two cluster ids, a web host when grouping by domain).
/// </summary>
public class SplitPlannerTests
{
    private static readonly string[] Languages = [.. Captions.All.Select(c => c.Lang).Distinct()];

    /// <summary>Real captions, one row per image, cycling through the eight languages; row i's image is drawn from seed i.</summary>
    private static List<PairRecord> Singletons(int count, string? host = null) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var caption = Captions.All[i % Captions.All.Count];
            return DatasetShards.Row(caption.Lang, $"{caption.Text} ({i})", imageSeed: i, pageUrl: host is null ? null : $"https://{host}/page/{i}");
        })];

    private static async Task<(SplitPlan Plan, List<PairRecord> Rows)> PlanAsync(TempDir dir, List<PairRecord> rows, SplitSettings settings, int shardMaxRows = 1000)
    {
        string folder = dir.File("data-" + Guid.NewGuid().ToString("N")[..8]);
        await DatasetShards.WriteAsync(folder, rows, shardMaxRows);
        var plan = await SplitPlanner.PlanAsync(ShardReader.FindShards(folder), settings, CancellationToken.None);
        return (plan, rows);
    }

    private static SplitSettings Settings(double perLanguage, long seed = 1, SplitGrouping groupBy = SplitGrouping.Cluster, int? minPerSource = null) =>
        new(perLanguage, minPerSource, seed, groupBy, Sft: false);

    private static HashSet<string> EvalKeys(SplitPlan plan, List<PairRecord> rows) =>
        [.. rows.Where((_, i) => plan.InEval[i]).Select(r => r.Key)];

    [Fact]
    public async Task Each_language_and_source_gets_its_quota_exactly_when_every_row_is_its_own_group()
    {
        using var dir = new TempDir();
        var rows = Singletons(80);

        // Russian model captions beside the native ones: 4 mllm rows against 10 native.
        rows.AddRange(Enumerable.Range(0, 4).Select(i =>
            DatasetShards.Row("ru", $"На фотографии старый деревянный дом у реки ({i})", imageSeed: 1000 + i, source: PairSources.Mllm)));
        var (plan, _) = await PlanAsync(dir, rows, Settings(4));

        var eval = rows.Where((_, i) => plan.InEval[i]).GroupBy(r => (r.Lang, r.Source)).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(Languages.Where(l => l != "ru"), lang => Assert.Equal(4, eval[(lang, PairSources.Native)]));

        // The source's share of 4 (10/14 and 4/14 of the language), at least 1 each.
        Assert.Equal((3, 1), (eval[("ru", PairSources.Native)], eval[("ru", PairSources.Mllm)]));
        Assert.All(plan.Strata, s => Assert.Equal(s.Quota, s.Eval));
        Assert.Equal(84, plan.Strata.Sum(s => s.Rows));
        Assert.Equal(84, plan.Groups);
        Assert.Equal(rows.Count - plan.InEval.Count(e => e), plan.Strata.Sum(s => s.Train));
    }

    [Fact]
    public async Task A_cluster_spanning_languages_and_an_image_under_two_cluster_ids_stay_on_one_side()
    {
        using var dir = new TempDir();
        var rows = new List<PairRecord>();

        // 24 photos, each captioned in two languages (one cluster, two strata).
        for (int image = 0; image < 24; image++)
        {
            var first = Captions.All[(2 * image) % Captions.All.Count];
            var second = Captions.All[(2 * image + 5) % Captions.All.Count];
            rows.Add(DatasetShards.Row(first.Lang, first.Text, imageSeed: image));
            rows.Add(DatasetShards.Row(second.Lang, second.Text, imageSeed: image));
        }

        // The same image clustered apart by two runs: two cluster ids, one photo.
        rows.Add(DatasetShards.Row("cs", "Staroměstské náměstí o Vánocích", imageSeed: 77, cluster: new string('a', 64)));
        rows.Add(DatasetShards.Row("hu", "A Hősök tere télen, hóval borítva", imageSeed: 77, cluster: new string('b', 64)));
        var (plan, _) = await PlanAsync(dir, rows, Settings(3), shardMaxRows: 7);

        foreach (var image in rows.Select((r, i) => (r.Sha256, i)).GroupBy(p => p.Sha256))
        {
            Assert.Single(image.Select(p => plan.InEval[p.i]).Distinct());
        }

        Assert.Equal(25, plan.Groups);
        Assert.True(plan.GroupsInEval > 0);
        Assert.InRange(plan.InEval.Count(e => e), 1, rows.Count / 2);
    }

    [Fact]
    public async Task Grouping_by_domain_keeps_each_web_host_on_one_side()
    {
        using var dir = new TempDir();
        var rows = new List<PairRecord>();
        for (int host = 0; host < 12; host++)
        {
            rows.AddRange(Singletons(8, $"www.site{host}.example").Select((r, i) => DatasetShards.Row(
                r.Lang, r.Text, imageSeed: (host * 8) + i, pageUrl: $"https://www.site{host}.example/p/{i}")));
        }

        var (plan, _) = await PlanAsync(dir, rows, Settings(2, groupBy: SplitGrouping.Domain));

        var sides = rows.Select((r, i) => (Host: WebHosts.Of(r.PageUrl, r.Url)!, Eval: plan.InEval[i])).GroupBy(p => p.Host).ToList();
        Assert.Equal(12, sides.Count);
        Assert.All(sides, host => Assert.Single(host.Select(p => p.Eval).Distinct()));
        Assert.Contains(sides, host => host.First().Eval);
        Assert.Equal(12, plan.Groups);
    }

    [Fact]
    public async Task The_eval_rows_depend_on_the_clusters_and_the_seed_not_on_how_rows_are_laid_out()
    {
        using var dir = new TempDir();
        var rows = Singletons(96);
        var reversed = Enumerable.Reverse(rows).ToList();

        var (oneShard, _) = await PlanAsync(dir, rows, Settings(3, seed: 7));
        var (manyShards, _) = await PlanAsync(dir, rows, Settings(3, seed: 7), shardMaxRows: 5);
        var (backwards, _) = await PlanAsync(dir, reversed, Settings(3, seed: 7), shardMaxRows: 11);
        var (otherSeed, _) = await PlanAsync(dir, rows, Settings(3, seed: 8));

        Assert.Equal(oneShard.InEval, manyShards.InEval);
        Assert.Equal(EvalKeys(oneShard, rows), EvalKeys(backwards, reversed));
        Assert.NotEqual(EvalKeys(oneShard, rows), EvalKeys(otherSeed, rows));
        Assert.Equal(3 * 8, EvalKeys(otherSeed, rows).Count);
    }
}
