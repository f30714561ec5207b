using System.Text.Json;
using MellaPipeline.Records;
using MellaPipeline.Runs;
using MellaPipeline.Stages;

namespace MellaPipeline.Input;

/// <summary>
/// Reads the <c>pairs</c> input format: JSONL, one image-text pair per line, e.g.
/// <c>{"text": "Пельмени", "lang": "ru", "image_path": "images/1.png", "url": "https://…", "page_url": "https://…", "source": "native"}</c>.
/// <c>text</c> and <c>image_path</c> are required; <c>source</c> defaults to <c>native</c>;
/// <c>image_path</c> is relative to the JSONL file. A line that is not such an object becomes a
/// failed outcome, never an exception.
/// </summary>
public sealed class PairsJsonlSource(IReadOnlyList<string> files) : IRecordSource<PairCandidate>
{
    public string Name => "read_pairs";

    public async IAsyncEnumerable<StageOutcome<PairCandidate>> ReadAsync(
        TaskSlice slice, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var line in LineRangeReader.ReadAsync(files, slice.Rank, slice.WorldSize, cancellationToken: cancellationToken))
        {
            yield return Parse(line);
        }
    }

    public static StageOutcome<PairCandidate> Parse(InputLine line)
    {
        string origin = $"{Path.GetFileName(line.File)}@{line.Offset}";
        var unparsed = new UnparsedInput(PairKey.ForRawLine(line.Bytes.Span), origin);
        if (line.TooLong)
        {
            return StageOutcome<PairCandidate>.Failed(ReasonCodes.InputMalformed, $"line longer than {LineRangeReader.MaxLineBytes} bytes", unparsed);
        }

        if (!System.Text.Unicode.Utf8.IsValid(line.Bytes.Span))
        {
            return StageOutcome<PairCandidate>.Failed(ReasonCodes.InputMalformed, "line is not valid UTF-8", unparsed);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.Bytes);
        }
        catch (JsonException ex)
        {
            // The exception's message quotes the offending character: never echo input bytes.
            return StageOutcome<PairCandidate>.Failed(ReasonCodes.InputMalformed, JsonText.NotJson(ex), unparsed);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return StageOutcome<PairCandidate>.Failed(ReasonCodes.InputMalformed, "line is not a JSON object", unparsed);
            }

            var root = document.RootElement;
            string? Field(string name, out string? problem)
            {
                problem = null;
                if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    return null;
                }

                if (value.ValueKind != JsonValueKind.String)
                {
                    problem = $"'{name}' must be a string";
                    return null;
                }

                // A lone surrogate escape (\ud800) is valid JSON but not text.
                if (!JsonText.TryGetString(value, out string? text))
                {
                    problem = $"'{name}' is not valid Unicode text (a lone surrogate)";
                }

                return text;
            }

            string? text = Field("text", out var p1);
            string? imagePath = Field("image_path", out var p2);
            string? url = Field("url", out var p3);
            string? pageUrl = Field("page_url", out var p4);
            string? lang = Field("lang", out var p5);
            string? source = Field("source", out var p6);
            string? captionModel = Field("caption_model", out var p7);
            string? captionSourceLang = Field("caption_source_lang", out var p8);
            string? problem = p1 ?? p2 ?? p3 ?? p4 ?? p5 ?? p6 ?? p7 ?? p8;
            if (problem is not null)
            {
                return StageOutcome<PairCandidate>.Failed(ReasonCodes.InputFieldInvalid, problem, unparsed);
            }

            if (text is null || imagePath is null)
            {
                return StageOutcome<PairCandidate>.Failed(
                    ReasonCodes.InputFieldMissing, text is null ? "'text' is missing" : "'image_path' is missing", unparsed);
            }

            if (ImagePathProblem(imagePath) is { } badPath)
            {
                return StageOutcome<PairCandidate>.Failed(ReasonCodes.InputFieldInvalid, badPath, unparsed);
            }

            source ??= PairSources.Native;
            if (!PairSources.IsKnown(source))
            {
                return StageOutcome<PairCandidate>.Failed(
                    ReasonCodes.InputFieldInvalid, $"'source' must be '{PairSources.Native}' or '{PairSources.Mllm}', got '{source}'", unparsed);
            }

            string resolvedImage = Path.GetFullPath(imagePath, Path.GetDirectoryName(Path.GetFullPath(line.File))!);
            string key = PairKey.For(source, url ?? imagePath, pageUrl, text);
            return StageOutcome<PairCandidate>.Ok(new PairCandidate(
                key, origin, source, text, lang?.Trim().ToLowerInvariant(), null, url, pageUrl, resolvedImage,
                captionModel, captionSourceLang));
        }
    }

    /// <summary>Why an <c>image_path</c> cannot name a file (empty, a NUL or other invalid path character), or null.</summary>
    private static string? ImagePathProblem(string imagePath)
    {
        if (imagePath.Length == 0)
        {
            return "'image_path' is empty";
        }

        if (imagePath.AsSpan().IndexOfAny(InvalidPathChars) >= 0)
        {
            return "'image_path' contains a NUL or another character no path may hold";
        }

        return null;
    }

    private static readonly System.Buffers.SearchValues<char> InvalidPathChars = System.Buffers.SearchValues.Create(Path.GetInvalidPathChars());
}
