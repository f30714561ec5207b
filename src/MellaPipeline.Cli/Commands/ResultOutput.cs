using System.Text.Json;
using MellaPipeline.Json;

namespace MellaPipeline.Cli.Commands;

/// <summary>How a command prints its result on standard output: one indented JSON document with <c>--json</c>, else its table.</summary>
internal static class ResultOutput
{
    public static async Task PrintAsync<T>(bool json, T result, Action<TextWriter> table)
    {
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(result, MellaJson.Indented));
        }
        else
        {
            table(Console.Out);
        }
    }
}
