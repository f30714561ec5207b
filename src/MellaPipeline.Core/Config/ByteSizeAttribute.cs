namespace MellaPipeline.Config;

/// <summary>Marks a <see cref="long"/> option that accepts sizes such as <c>512MB</c>, <c>64 MiB</c> or <c>1000</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ByteSizeAttribute : Attribute;
