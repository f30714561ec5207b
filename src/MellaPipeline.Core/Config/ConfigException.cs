namespace MellaPipeline.Config;

/// <summary>
/// A pipeline file that cannot be used. <see cref="Exception.Message"/> is the one line users
/// see: <c>FILE:LINE: KEY: what is wrong</c>. Commands exit with code 2 on it.
/// </summary>
public sealed class ConfigException(string file, int? line, string? key, string problem)
    : Exception(Format(file, line, key, problem))
{
    public string File { get; } = file;
    public int? Line { get; } = line;
    public string? Key { get; } = key;
    public string Problem { get; } = problem;

    private static string Format(string file, int? line, string? key, string problem)
    {
        string where = line is { } l ? $"{file}:{l}" : file;
        return key is null ? $"{where}: {problem}" : $"{where}: {key}: {problem}";
    }
}
