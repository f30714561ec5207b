using System.Globalization;

namespace MellaPipeline.Datasets.Splits;

/// <summary>The table <c>mella split</c> prints: rows, quota, eval and train per language × source, then the totals and the leakage check.</summary>
public static class SplitSummaryTable
{
    public static void WriteTable(this SplitSummary summary, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"{"lang",-5} {"source",-7} {"rows",11} {"quota",9} {"eval",9} {"train",11}"));
        foreach (var s in summary.Strata)
        {
            string shortfall = s.Eval < s.Quota ? "  short: every group left with such rows would overfill another language × source" : "";
            output.WriteLine(string.Create(inv, $"{s.Lang,-5} {s.Source,-7} {s.Rows,11:N0} {s.Quota,9:N0} {s.Eval,9:N0} {s.Train,11:N0}{shortfall}"));
        }

        output.WriteLine(string.Create(inv,
            $"train {summary.Train.Rows:N0} rows in {summary.Train.Shards} shards; eval {summary.Eval.Rows:N0} rows in {summary.Eval.Shards} shards; " +
            $"{summary.GroupsInEval:N0} of {summary.Groups:N0} groups ({summary.GroupBy.ToString().ToLowerInvariant()}) in eval"));
        if (summary.Sft is { } sft)
        {
            output.WriteLine(string.Create(inv, $"sft: {sft.Train:N0} train and {sft.Eval:N0} eval conversations, {sft.Images:N0} images written, {sft.ImagesByUrl:N0} by URL, {sft.WithoutImage:N0} without an image"));
        }

        var c = summary.Check;
        output.WriteLine(c.Passed
            ? string.Create(inv, $"check passed: no cluster, image or key on both sides{(summary.GroupBy == SplitGrouping.Domain ? ", nor any web host" : $" ({c.DomainsInBoth:N0} web hosts on both sides; --group-by domain keeps them apart)")}")
            : string.Create(inv, $"CHECK FAILED: {c.ClustersInBoth:N0} clusters, {c.ImagesInBoth:N0} images, {c.KeysInBoth:N0} keys, {c.DomainsInBoth:N0} web hosts on both sides; rows add up: {c.RowsAddUp}"));
    }
}
