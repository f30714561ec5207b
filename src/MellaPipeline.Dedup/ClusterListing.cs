using System.Text.Encodings.Web;
using System.Text.Json;

namespace MellaPipeline.Dedup;

/// <summary>The name of member <c>index</c> of a listing, as UTF-8.</summary>
public delegate ReadOnlySpan<byte> MemberName(int index);

/// <summary>
/// The JSONL <c>mella dedup</c> prints: one <c>{"id"|"path": …, "cluster": …, "keep": …}</c> line per member, in input order,
/// the cluster named by the member kept for it.
/// </summary>
public static class ClusterListing
{
    /// <summary>Writes one line per member; <paramref name="kept"/>[i] is the member kept for member i's cluster.</summary>
    /// <param name="field">The member's field: <c>id</c> or <c>path</c>.</param>
    public static Task WriteAsync(Stream output, int bufferSize, string field, int[] kept, MemberName name, CancellationToken cancellationToken)
    {
        var buffered = new BufferedStream(output, bufferSize);
        byte[] opening = System.Text.Encoding.UTF8.GetBytes($"{{\"{field}\":");
        for (int i = 0; i < kept.Length; i++)
        {
            WriteRecord(buffered, opening, name(i), name(kept[i]), kept[i] == i);
        }

        return buffered.FlushAsync(cancellationToken);
    }

    /// <summary>How many clusters <paramref name="kept"/> holds: each keeps exactly one member, itself.</summary>
    public static int Clusters(int[] kept)
    {
        int clusters = 0;
        for (int i = 0; i < kept.Length; i++)
        {
            clusters += kept[i] == i ? 1 : 0;
        }

        return clusters;
    }

    private static void WriteRecord(Stream output, ReadOnlySpan<byte> opening, ReadOnlySpan<byte> id, ReadOnlySpan<byte> cluster, bool keep)
    {
        output.Write(opening);
        WriteJsonString(output, id);
        output.Write(",\"cluster\":"u8);
        WriteJsonString(output, cluster);
        output.Write(keep ? ",\"keep\":true}\n"u8 : ",\"keep\":false}\n"u8);
    }

    /// <summary>Writes UTF-8 text as a JSON string: as it is unless it holds a quote, a backslash or a control character.</summary>
    private static void WriteJsonString(Stream output, ReadOnlySpan<byte> utf8)
    {
        output.WriteByte((byte)'"');
        if (utf8.IndexOfAny("\"\\"u8) < 0 && utf8.IndexOfAnyInRange((byte)0, (byte)0x1F) < 0)
        {
            output.Write(utf8);
        }
        else
        {
            var encoded = JsonEncodedText.Encode(utf8, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
            output.Write(encoded.EncodedUtf8Bytes);
        }

        output.WriteByte((byte)'"');
    }
}
