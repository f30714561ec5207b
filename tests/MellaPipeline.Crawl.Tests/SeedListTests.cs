using MellaPipeline.Crawl.Sources;
using MellaPipeline.Parquet;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Crawl.Tests;

public class SeedListTests
{
    [Fact]
    public async Task Seeds_come_from_text_jsonl_csv_and_parquet_and_each_goes_to_exactly_one_task()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.txt"), "# news sites\nhttps://zpravy.example.cz/\n\nhttps://hirek.example.hu/\n");
        File.WriteAllText(dir.File("b.jsonl"), "{\"url\": \"https://vnexpress.example.vn/\"}\n{\"link\": \"https://x.example/\"}\nnot json\n");
        File.WriteAllText(dir.File("c.csv"), "lang,url\nko,https://news.example.kr/\nth,\"https://khao.example.th/\"\n");
        await using (var parquet = new ParquetTableWriter(dir.File("d.parquet"), [("url", typeof(string)), ("lang", typeof(string))]))
        {
            await parquet.AddAsync(["https://vesti.example.ru/", "ru"]);
            await parquet.AddAsync(["https://novosti.example.rs/", "sr"]);
            await parquet.AddAsync([null, "ar"]);
            await parquet.CompleteAsync();
        }

        File.WriteAllText(dir.File("e.parquet"), "not parquet at all");
        var files = SeedList.Files([dir.Path]);

        var all = new List<(string Line, string? Url)>();
        for (int rank = 0; rank < 3; rank++)
        {
            await foreach (var seed in SeedList.ReadAsync(files, rank, 3, CancellationToken.None))
            {
                all.Add(seed);
            }
        }

        Assert.True(3 == all.Count(s => s.Url is null), string.Join(" | ", all.Where(s => s.Url is null).Select(s => s.Line))); // the jsonl line without "url", the line that is not JSON, the file that is not Parquet
        Assert.Equal(
            new[] { "https://hirek.example.hu/", "https://khao.example.th/", "https://news.example.kr/", "https://novosti.example.rs/", "https://vesti.example.ru/", "https://vnexpress.example.vn/", "https://zpravy.example.cz/" },
            all.Where(s => s.Url is not null).Select(s => s.Url!).Order(StringComparer.Ordinal));
        Assert.Contains(all, s => s.Url is null && s.Line.StartsWith("e.parquet: not a readable Parquet file", StringComparison.Ordinal));
    }
}

public class SeedAssignmentTests
{
    [Fact]
    public void Every_seed_goes_to_exactly_one_task_and_all_seeds_of_a_host_to_the_same_one()
    {
        var seeds = Enumerable.Range(0, 400).Select(i => $"https://{(i % 3 == 0 ? "www." : "")}site{i % 40}.example/page/{i}").ToList();

        foreach (int world in new[] { 1, 2, 3, 7 })
        {
            var ranks = seeds.Select(s => MellaPipeline.Crawl.Sources.SeedList.RankOf(s, s, world)).ToList();
            Assert.All(ranks, r => Assert.InRange(r, 0, world - 1));
            var byHost = seeds.Select((s, i) => (Host: new Uri(s).Host.Replace("www.", "", StringComparison.Ordinal), Rank: ranks[i])).GroupBy(x => x.Host);
            Assert.All(byHost, g => Assert.Single(g.Select(x => x.Rank).Distinct()));
            if (world > 1)
            {
                Assert.True(ranks.Distinct().Count() > 1, $"40 hosts over {world} tasks all on one");
            }
        }

        Assert.Equal(
            MellaPipeline.Crawl.Sources.SeedList.RankOf("not a url", null, 5),
            MellaPipeline.Crawl.Sources.SeedList.RankOf("not a url", null, 5));
    }
}
