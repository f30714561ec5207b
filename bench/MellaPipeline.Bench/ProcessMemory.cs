using System.Globalization;

namespace MellaPipeline.Bench;

/// <summary>Memory figures of this process, as the kernel counts them.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (<c>VmHWM</c>) in megabytes.</summary>
    public static double PeakRssMegabytes() => StatusMegabytes("VmHWM:");

    /// <summary>Resident set size now (<c>VmRSS</c>) in megabytes.</summary>
    public static double RssMegabytes() => StatusMegabytes("VmRSS:");

    private static double StatusMegabytes(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return double.NaN;
    }
}
