namespace MellaPipeline.Datasets.Show;

/// <summary>The columns <c>mella show</c> prints of a row.</summary>
public sealed record ShownRow(string Key, string Lang, string Script, string Source, string Text, int Width, int Height, string DupCluster);
