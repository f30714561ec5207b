using System.Text;
using System.Text.Json;
using MellaPipeline.Input;
using MellaPipeline.Json;

namespace MellaPipeline.LanguageId;

/// <summary>
/// <c>mella langid</c>'s output: one <c>{"lang", "script", "confidence"}</c> line per input text, in input order, from
/// arguments, a file or a reader.
/// </summary>
public sealed class LangIdLines(LanguageIdentifier identifier, LanguageHints hints, TextWriter output)
{
    /// <summary>How often <see cref="Progress"/> is called, in lines.</summary>
    public const int ProgressEvery = 10_000;

    /// <summary>Lines written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Called with <see cref="Count"/> after every <see cref="ProgressEvery"/>th line.</summary>
    public Func<long, Task>? Progress { get; init; }

    public async Task WriteAsync(string text)
    {
        var guess = identifier.Identify(text, hints);
        await output.WriteLineAsync(JsonSerializer.Serialize(new LangIdResult(guess.Lang, guess.Script, guess.Confidence), MellaJson.Compact));
        if (++Count % ProgressEvery == 0 && Progress is { } progress)
        {
            await progress(Count);
        }
    }

    /// <summary>
    /// One line per text of <paramref name="texts"/>; without texts, per line of <paramref name="file"/> (see
    /// <see cref="WriteFileAsync"/>), or of <paramref name="standardInput"/> without a file.
    /// </summary>
    public async Task WriteAllAsync(IReadOnlyList<string> texts, string? file, TextReader standardInput, Func<int, Task> tooLong, CancellationToken cancellationToken)
    {
        if (file is not null)
        {
            await WriteFileAsync(file, tooLong, cancellationToken);
            return;
        }

        foreach (var text in texts)
        {
            await WriteAsync(text);
        }

        if (texts.Count == 0)
        {
            await WriteLinesAsync(standardInput, cancellationToken);
        }
    }

    /// <summary>
    /// One line per line of the file, read under the 1 MiB cap of every user file; a longer one still gets its
    /// result line (of nothing), so results stay aligned with the input, and is reported to <paramref name="tooLong"/> by its number.
    /// </summary>
    public async Task WriteFileAsync(string path, Func<int, Task> tooLong, CancellationToken cancellationToken)
    {
        int number = 0;
        await foreach (var line in LineRangeReader.ReadAsync([path], 0, 1, keepBlankLines: true, cancellationToken: cancellationToken))
        {
            number++;
            if (line.TooLong)
            {
                await tooLong(number);
            }

            string text = Encoding.UTF8.GetString(line.Bytes.Span);
            await WriteAsync(number == 1 ? text.TrimStart('\uFEFF') : text);
        }
    }

    /// <summary>One line per line of <paramref name="reader"/> (standard input).</summary>
    public async Task WriteLinesAsync(TextReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            await WriteAsync(line);
        }
    }

    private sealed record LangIdResult(string Lang, string Script, double Confidence);
}
