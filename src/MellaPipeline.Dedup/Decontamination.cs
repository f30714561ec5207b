using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Input;

namespace MellaPipeline.Dedup;

/// <summary>
/// An evaluation benchmark as <c>stages.decontaminate</c> names it: <c>against</c> folders of
/// images (hashed as <c>mella phash</c> and <c>mella dedup --images</c> hash them; item id = path
/// relative to the folder) and/or hash files in <c>mella phash</c>'s format (<c>HEX16&lt;TAB&gt;ID</c>,
/// read by <see cref="HashList"/>; item id = ID), and <c>against_text</c> files of reference
/// captions (one a line; <c>.jsonl</c> lines with a <c>text</c> field). Items are numbered in the
/// order listed, so a tie between two benchmark images goes to the one listed first.
/// </summary>
public static class Decontamination
{
    /// <summary>
    /// Null when every <c>against</c> and <c>against_text</c> path can be used; otherwise one line
    /// naming the path and why: missing, not a regular file or folder, a hash file's line N that is
    /// not <c>HEX16&lt;TAB&gt;ID</c>, a caption file's unreadable line N, or nothing in it. The
    /// load-time check (exit 2). Reads every hash and caption file; hashes no image.
    /// </summary>
    public static string? DecontaminationProblem(DecontaminateOptions options)
    {
        foreach (string path in options.Against)
        {
            switch (UserFile.KindOf(path))
            {
                case UserFileKind.Folder:
                    if (ImageFolderDedup.ImagesUnder(path).Length == 0)
                    {
                        return $"stages.decontaminate.against: {path}: no images (.jpg, .jpeg, .png, .gif, .webp) in the folder";
                    }

                    break;
                case UserFileKind.RegularFile:
                    var list = HashList.Read(path, out var problems);
                    if (problems.Count > 0)
                    {
                        return $"stages.decontaminate.against: {path}:{problems[0]}";
                    }

                    if (list.Count == 0)
                    {
                        return $"stages.decontaminate.against: {path}: no hashes in the file";
                    }

                    break;
                case UserFileKind.Missing:
                    return $"stages.decontaminate.against: {path}: no such file or folder";
                default:
                    return $"stages.decontaminate.against: {path}: not a regular file or folder (a FIFO, device or socket)";
            }
        }

        foreach (string path in options.AgainstText)
        {
            int captions = 0;
            foreach (var (number, text, problem) in ReferenceCaptions(path))
            {
                if (text is null)
                {
                    return number == 0 ? $"stages.decontaminate.against_text: {path}: {problem}" : $"stages.decontaminate.against_text: {path}:{number}: {problem}";
                }

                captions++;
            }

            if (captions == 0)
            {
                return $"stages.decontaminate.against_text: {path}: no captions in the file";
            }
        }

        return null;
    }

    /// <summary>
    /// The reference captions of one <c>against_text</c> file with their line numbers, blank lines
    /// skipped; a line that cannot be read (or, in <c>.jsonl</c>, is not an object with a string
    /// <c>text</c>) comes with its problem and a null text; a file that cannot be opened as line 0.
    /// </summary>
    internal static IEnumerable<(int Number, string? Text, string? Problem)> ReferenceCaptions(string path)
    {
        bool jsonl = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        foreach (var (number, text, problem) in UserFile.ReadLines(path))
        {
            if (text is null)
            {
                yield return (number, null, problem);
                continue;
            }

            if (text.Trim().Length == 0)
            {
                continue;
            }

            if (!jsonl)
            {
                yield return (number, text, null);
                continue;
            }

            string? caption = null, why = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("text", out var field)
                    || !JsonText.TryGetString(field, out caption) || caption is null)
                {
                    why = "expected a JSON object with a string \"text\"";
                }
            }
            catch (JsonException e)
            {
                why = JsonText.NotJson(e);
            }

            yield return why is null ? (number, caption, null) : (number, null, why);
        }
    }

    /// <summary>
    /// What identifies the benchmark's contents without reading every image: the n-gram size, and
    /// each listed path with, for a folder, every image's relative path, size and modification time,
    /// for a file its size and modification time. A changed benchmark has another fingerprint.
    /// </summary>
    internal static string Fingerprint(DecontaminateOptions options)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"ngram={options.Ngram}\n");
        void File(string kind, string path, string file) =>
            text.Append(CultureInfo.InvariantCulture, $"{kind}\t{path}\t{Path.GetRelativePath(path, file)}\t{new FileInfo(file).Length}\t{System.IO.File.GetLastWriteTimeUtc(file).Ticks}\n");
        foreach (string path in options.Against)
        {
            foreach (string file in UserFile.KindOf(path) == UserFileKind.Folder ? ImageFolderDedup.ImagesUnder(path) : [path])
            {
                File("against", path, file);
            }
        }

        foreach (string path in options.AgainstText)
        {
            File("against_text", path, path);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
