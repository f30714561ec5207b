using System.Globalization;

namespace MellaPipeline.Bench;

/// <summary>Memory figures of this process, as the kernel counts them.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (<c>VmHWM</c>) in megabytes.</summary>
    public static double PeakRssMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return double.NaN;
    }
}
