using System.Security.Cryptography;
using MellaPipeline.Config;
using MellaPipeline.Input;

namespace MellaPipeline.Quality.Packs;

/// <summary>
/// Checks every file pack.json lists: a plain relative path that stays inside the pack folder, a
/// regular file (after links: a FIFO named <c>image.onnx</c> would block the load), at most
/// <see cref="ModelPack.MaxFileBytes"/> (a tokenizer file <see cref="ModelPack.MaxTokenizerBytes"/>),
/// and its SHA-256 equal to the listed one.
/// </summary>
internal static class PackFileCheck
{
    /// <summary>Files a pack folder may hold besides the ones pack.json lists with their hashes.</summary>
    private static readonly string[] Unhashed = ["pack.json", "README", "README.md", "README.txt", "LICENSE", "LICENSE.txt", "LICENSE.md"];

    public static void Verify(ModelPack pack, string manifest)
    {
        // ONNX Runtime loads external weight files a graph names from beside it: any file not listed (and so not hashed) is refused.
        foreach (string entry in Directory.EnumerateFileSystemEntries(pack.Folder, "*", SearchOption.AllDirectories).Take(10_000))
        {
            string relative = Path.GetRelativePath(pack.Folder, entry).Replace(Path.DirectorySeparatorChar, '/');
            if (!Directory.Exists(entry) && !pack.Files.ContainsKey(relative) && !Unhashed.Contains(relative, StringComparer.Ordinal))
            {
                throw new ConfigException(manifest, null, "files", $"{relative} is in the pack folder but not listed with its SHA-256: a graph could load it unchecked");
            }
        }

        var tokenizerFiles = pack.NamedFiles().Where(f => f.Key.StartsWith("text.tokenizer.", StringComparison.Ordinal)).Select(f => f.File).ToHashSet(StringComparer.Ordinal);
        foreach (var (file, expected) in pack.Files)
        {
            string key = "files." + file;
            if (file.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(file) || file.Split('/', '\\').Any(part => part is "" or "." or "..")
                || !Path.GetFullPath(pack.PathOf(file)).StartsWith(pack.Folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ConfigException(manifest, null, key, "must be a relative path inside the pack folder");
            }

            string path = Path.GetFullPath(pack.PathOf(file));
            long cap = tokenizerFiles.Contains(file) ? ModelPack.MaxTokenizerBytes : ModelPack.MaxFileBytes;

            if (UserFile.NotRegularFile(path) is { } notRegular)
            {
                throw new ConfigException(path, null, null, notRegular == "no such file" ? "missing: pack.json lists it" : notRegular);
            }

            using var stream = UserFile.OpenRead(path, out _, out string? detail, bufferSize: 1 << 16)
                ?? throw new ConfigException(path, null, null, detail ?? "unreadable");
            if (stream.Length > cap)
            {
                throw new ConfigException(path, null, null, $"too large ({stream.Length} bytes; this pack file may have at most {cap})");
            }

            string actual;
            try
            {
                actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            catch (IOException e)
            {
                throw new ConfigException(path, null, null, "unreadable: " + e.Message);
            }

            if (actual != expected)
            {
                throw new ConfigException(path, null, null, $"SHA-256 is {actual}, pack.json ({key}) says {expected}: the file changed or is not the pack's");
            }
        }
    }
}
