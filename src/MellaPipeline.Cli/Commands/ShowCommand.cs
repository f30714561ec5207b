using System.CommandLine;
using MellaPipeline.Datasets.Export;
using MellaPipeline.Datasets.Show;
using MellaPipeline.Languages;
using MellaPipeline.Records;
using C = MellaPipeline.Parquet.ShardColumns;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella show DATASET [--lang L] [--source S] [--limit N] [--where COLUMN=VALUE] [--json]</c>: a first look at the rows.</summary>
public static class ShowCommand
{
    public static Command Build()
    {
        var dataset = new Argument<string>("DATASET") { Description = "A run directory, its shards/ folder, one shard file, or a mella split output." }.AsPath();
        var lang = new Option<string?>("--lang") { Description = "Only rows of this language." }.OneOf(TargetLanguages.Codes);
        var source = new Option<string?>("--source") { Description = "Only rows of this source." }.OneOf(PairSources.All);
        var limit = new Option<int>("--limit") { Description = "How many rows to show.", DefaultValueFactory = _ => DatasetShow.DefaultLimit }.WholeNumber(1, 1_000_000);
        var where = ExportCommand.WhereOption();
        var json = new Option<bool>("--json") { Description = "Print the rows as one JSON array, captions whole." };
        var command = new Command("show",
            "Prints the first rows as a table: key, lang, script, source, caption (cut to fit), size, cluster. Reads only those columns, never the images.")
        {
            dataset, lang, source, limit, where, json,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var fixedConditions = new[] { (C.Lang, parse.GetValue(lang)), (C.Source, parse.GetValue(source)) }
                .Where(c => c.Item2 is not null).Select(c => ((Parquet.ShardValueColumn)c.Item1, c.Item2!));
            var (filter, problem) = RowFilter.Parse(parse.GetValue(where) ?? [], fixedConditions);
            var (rows, readProblem) = filter is null ? (null, null) : await DatasetShow.ReadAsync(parse.GetValue(dataset)!, filter, parse.GetValue(limit), cancellationToken);
            if (rows is null)
            {
                await Console.Error.WriteLineAsync($"mella show: {problem ?? readProblem}");
                return ExitCodes.BadInput;
            }

            await ResultOutput.PrintAsync(parse.GetValue(json), rows,
                output => ShowTable.WritePlain(output, rows, Console.IsOutputRedirected ? ShowTable.PlainWidth : Console.WindowWidth));
            return ExitCodes.Success;
        });
        return command;
    }
}
