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
        using var record = JsonlRecord.Parse(line, out string? problem);
        if (record is null)
        {
            return StageOutcome<PairCandidate>.Failed(ReasonCodes.InputMalformed, problem, unparsed);
        }

        string? text = record.String("text", ref problem);
        string? imagePath = record.String("image_path", ref problem);
        string? url = record.String("url", ref problem);
        string? pageUrl = record.String("page_url", ref problem);
        string? lang = record.String("lang", ref problem);
        string? source = record.String("source", ref problem);
        string? captionModel = record.String("caption_model", ref problem);
        string? captionSourceLang = record.String("caption_source_lang", ref problem);
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
