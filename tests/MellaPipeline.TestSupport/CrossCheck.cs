using System.Diagnostics;
using System.Text.Json;

namespace MellaPipeline.TestSupport;

/// <summary>
/// DuckDB's own counts over a dataset or a split, for comparing with what <c>mella coverage</c> and
/// <c>mella split</c> report: used by the tests on small datasets and, from the command line, by the
/// benchmarks at 6.8 M rows.
/// </summary>
public static class CrossCheck
{
    /// <summary>The web host as coverage counts it: the page's (else the image's), lower case, without <c>www.</c>.</summary>
    public const string HostSql = "regexp_replace(regexp_extract(lower(coalesce(page_url, url)), '^[a-z]+://([^/:]+)', 1), '^www\\.', '')";

    /// <summary>Per language and source: pairs, distinct images, clusters, hosts, Latin-script rows.</summary>
    public static List<object?[]> CoverageCounts(string parquetGlob) => DuckDb.Query(
        $"SELECT lang, source, count(*), count(DISTINCT sha256), count(DISTINCT dup_cluster), count(DISTINCT {HostSql}), " +
        $"count_if(script = 'Latn') FROM read_parquet('{parquetGlob}') GROUP BY ALL ORDER BY ALL");

    /// <summary>Compares a <c>mella coverage --json</c> document with <see cref="CoverageCounts"/>; one line per difference.</summary>
    public static List<string> CompareCoverage(string parquetGlob, JsonElement report)
    {
        var differences = new List<string>();
        long total = 0;
        foreach (var row in CoverageCounts(parquetGlob))
        {
            string lang = (string)row[0]!, source = (string)row[1]!;
            total += DuckDb.Long(row[2]);
            if (!report.GetProperty("languages").TryGetProperty(lang, out var language) || !language.TryGetProperty(source, out var group))
            {
                differences.Add($"{lang} {source}: missing from the report");
                continue;
            }

            long latin = group.GetProperty("scripts").TryGetProperty("Latn", out var l) ? l.GetInt64() : 0;
            var expected = (DuckDb.Long(row[2]), DuckDb.Long(row[3]), DuckDb.Long(row[4]), DuckDb.Long(row[5]), DuckDb.Long(row[6]));
            var reported = (group.GetProperty("pairs").GetInt64(), group.GetProperty("images").GetInt64(), group.GetProperty("clusters").GetInt64(),
                group.GetProperty("domains").GetInt64(), latin);
            if (expected != reported)
            {
                differences.Add($"{lang} {source}: duckdb (pairs, images, clusters, domains, latin) {expected}, mella {reported}");
            }
        }

        if (total != report.GetProperty("rows").GetInt64())
        {
            differences.Add($"rows: duckdb {total}, mella {report.GetProperty("rows").GetInt64()}");
        }

        return differences;
    }

    /// <summary>What a split's two sides share, counted by DuckDB: clusters, images, keys, hosts; and rows per side.</summary>
    public static (long Clusters, long Images, long Keys, long Hosts, long TrainRows, long EvalRows) SplitOverlap(string splitDir)
    {
        string train = $"read_parquet('{Path.Combine(splitDir, "train", "*.parquet")}')", eval = $"read_parquet('{Path.Combine(splitDir, "eval", "*.parquet")}')";
        long Shared(string column) => DuckDb.Long(DuckDb.Scalar($"SELECT count(*) FROM (SELECT {column} FROM {train} INTERSECT SELECT {column} FROM {eval})"));
        return (Shared("dup_cluster"), Shared("sha256"), Shared("key"), Shared(HostSql),
            DuckDb.Long(DuckDb.Scalar($"SELECT count(*) FROM {train}")), DuckDb.Long(DuckDb.Scalar($"SELECT count(*) FROM {eval}")));
    }

    /// <summary><c>coverage DATASET_GLOB REPORT.json</c> or <c>split SPLIT_DIR</c>: prints DuckDB's figures and the time they took; exit 1 on a difference.</summary>
    public static int Run(string[] args)
    {
        var clock = Stopwatch.StartNew();
        if (args is ["coverage", var glob, var reportPath])
        {
            var differences = CompareCoverage(glob, JsonDocument.Parse(File.ReadAllBytes(reportPath)).RootElement);
            differences.ForEach(Console.WriteLine);
            Console.WriteLine($"coverage cross-check: {(differences.Count == 0 ? "all figures equal" : $"{differences.Count} differences")} ({clock.Elapsed.TotalSeconds:F1} s in DuckDB)");
            return differences.Count == 0 ? 0 : 1;
        }

        if (args is ["split", var splitDir])
        {
            var overlap = SplitOverlap(splitDir);
            Console.WriteLine($"split cross-check: {overlap} ({clock.Elapsed.TotalSeconds:F1} s in DuckDB)");
            return overlap is { Clusters: 0, Images: 0, Keys: 0 } ? 0 : 1;
        }

        Console.Error.WriteLine("usage: MellaPipeline.TestSupport cross-check coverage 'DATASET/*.parquet' REPORT.json | cross-check split SPLIT_DIR");
        return 2;
    }
}
