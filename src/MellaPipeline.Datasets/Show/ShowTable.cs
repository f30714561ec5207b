using System.Globalization;
using System.Text;
using Spectre.Console;

namespace MellaPipeline.Datasets.Show;

/// <summary>
/// <c>mella show</c>'s table: key, lang, script, source, caption, size (W×H), cluster. Widths are terminal cells as
/// Spectre.Console measures them (Hangul and CJK two cells, Thai and Arabic combining marks none), so columns line up
/// whatever the script; the caption is cut to the room left, at a grapheme-cluster boundary (a Thai vowel mark or an
/// Arabic harakat never loses its letter), with an ellipsis. Plain aligned text, as wide as the terminal or
/// <see cref="PlainWidth"/> cells when stdout is not one (a Spectre.Console table was tried: too narrow a terminal made
/// it wrap the key and drop columns, where plain lines keep every column and only the caption gives way). Every cell
/// is made <see cref="Visible"/> first: a dataset written by another tool may hold anything in a string.
/// </summary>
public static class ShowTable
{
    /// <summary>Width assumed when stdout is not a terminal (a pipe or a file has none).</summary>
    public const int PlainWidth = 120;

    /// <summary>The caption keeps at least this many cells however narrow the terminal.</summary>
    private const int MinCaptionWidth = 16;

    private const string Gap = "  ";

    /// <summary>A cluster id is 16 hex digits (SPEC §3); a longer one, from another writer, is cut to keep the caption its room.</summary>
    private const int ClusterWidth = 17;

    private static readonly string[] Headers = ["key", "lang", "script", "source", "caption", "size", "cluster"];
    private const int CaptionColumn = 4;

    /// <summary>Plain aligned text, each line at most <paramref name="width"/> cells (unless the caption's minimum needs more).</summary>
    public static void WritePlain(TextWriter output, IReadOnlyList<ShownRow> rows, int width = PlainWidth)
    {
        var cells = Cells(rows, width);
        var widths = Enumerable.Range(0, Headers.Length).Select(c => cells.Max(r => CellWidth(r[c]))).ToArray();
        foreach (var row in cells)
        {
            var line = new StringBuilder();
            for (int c = 0; c < row.Length; c++)
            {
                line.Append(row[c]);
                if (c < row.Length - 1)
                {
                    line.Append(' ', widths[c] - CellWidth(row[c])).Append(Gap);
                }
            }

            output.WriteLine(line.ToString());
        }
    }

    /// <summary>The caption cut to <paramref name="cells"/> terminal cells at a grapheme boundary, with an ellipsis when cut.</summary>
    public static string Cut(string text, int cells)
    {
        if (CellWidth(text) <= cells)
        {
            return text;
        }

        var kept = new StringBuilder();
        int used = 0;
        var graphemes = StringInfo.GetTextElementEnumerator(text);
        while (graphemes.MoveNext())
        {
            string grapheme = graphemes.GetTextElement();
            int w = CellWidth(grapheme);
            if (used + w > cells - 1)
            {
                break;
            }

            kept.Append(grapheme);
            used += w;
        }

        return kept.Append('…').ToString();
    }

    /// <summary>
    /// The text with nothing in it that would move the cursor, start a terminal escape sequence or reorder what follows
    /// on the line: tabs, line breaks and other white-space controls become a space, any other control character (C0,
    /// DEL, C1: ESC among them) and format character (the bidirectional embeddings, overrides and isolates
    /// U+202A–202E and U+2066–2069, the marks U+200E/U+200F/U+061C, a byte order mark…) the visible U+FFFD. The
    /// zero-width joiner and non-joiner stay: scripts need them and they move nothing.
    /// </summary>
    public static string Visible(string text)
    {
        if (!text.EnumerateRunes().Any(r => Replacement(r) is not null))
        {
            return text;
        }

        var visible = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            visible.Append(Replacement(rune) ?? rune.ToString());
        }

        return visible.ToString();
    }

    private static string? Replacement(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => Rune.IsWhiteSpace(rune) ? " " : "\uFFFD",
        UnicodeCategory.Format when rune.Value is not (0x200C or 0x200D) => "\uFFFD",
        _ => null,
    };

    /// <summary>Terminal cells <paramref name="text"/> takes.</summary>
    public static int CellWidth(string text) => text.GetCellWidth();

    /// <summary>The header and one line of cells per row, the caption cut to what <paramref name="width"/> leaves.</summary>
    private static List<string[]> Cells(IReadOnlyList<ShownRow> rows, int width)
    {
        var lines = new List<string[]> { Headers };
        lines.AddRange(rows.Select(r => new[]
        {
            Visible(r.Key), Visible(r.Lang), Visible(r.Script), Visible(r.Source), Visible(r.Text), FormattableString.Invariant($"{r.Width}×{r.Height}"),
            Cut(Visible(r.DupCluster), ClusterWidth),
        }));
        int others = Enumerable.Range(0, Headers.Length).Where(c => c != CaptionColumn).Sum(c => lines.Max(l => CellWidth(l[c])) + Gap.Length);
        int captionWidth = Math.Max(MinCaptionWidth, width - others);
        foreach (var line in lines.Skip(1))
        {
            line[CaptionColumn] = Cut(line[CaptionColumn], captionWidth);
        }

        return lines;
    }
}
