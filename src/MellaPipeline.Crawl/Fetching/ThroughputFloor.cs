namespace MellaPipeline.Crawl.Fetching;

/// <summary>
/// The minimum-throughput rule of one attempt: the body must arrive at
/// <c>bytesPerSecond</c> on average, counted from the request's start (so a server slow to answer
/// has less time left for its body), and enforced from the first second of the body on (so a
/// small response is never cut before it could arrive). A trickle is cut long before the attempt
/// timeout instead of holding its connection and its caller for all of it. Elapsed time is read
/// from the client's clock (<paramref name="requestStarted"/> is one of its timestamps).
/// </summary>
internal sealed class ThroughputFloor(long bytesPerSecond, long requestStarted, TimeProvider time)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    private readonly long _bodyStarted = time.GetTimestamp();

    public bool Enabled => bytesPerSecond > 0;

    /// <summary>
    /// How long, from now, the body may take to deliver its next byte before its average over
    /// <paramref name="received"/> bytes falls below the floor (zero or less: it already has).
    /// </summary>
    public TimeSpan TimeLeft(long received)
    {
        var sinceRequest = time.GetElapsedTime(requestStarted);
        var sinceBody = time.GetElapsedTime(_bodyStarted);
        var earned = TimeSpan.FromSeconds((double)received / bytesPerSecond);
        return TimeSpan.FromTicks(Math.Max((Grace - sinceBody).Ticks, (earned - sinceRequest).Ticks));
    }

    public string Describe(long received) =>
        $"{received} bytes in {time.GetElapsedTime(requestStarted).TotalSeconds:0.0} s, below the {bytesPerSecond} bytes/s floor";
}

/// <summary>
/// A body that arrived below the minimum throughput. Thrown inside the retried attempt so the
/// retry strategy treats it like any other failed transfer; it never leaves the client.
/// </summary>
internal sealed class BodyTooSlowException(string message) : IOException(message);
