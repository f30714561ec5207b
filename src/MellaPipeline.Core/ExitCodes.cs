namespace MellaPipeline;

/// <summary>Process exit codes (SPEC §2), the same for every command.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The job ran but failed a check or its failure budget.</summary>
    public const int CheckFailed = 1;

    /// <summary>A bug: an exception nothing expected, reported in one line (the stack trace with MELLA_DEBUG=1). Plain misuse never gets here.</summary>
    public const int InternalError = 1;

    /// <summary>Bad arguments, bad config or unreadable input; nothing was written.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped by Ctrl+C or SIGTERM; completed tasks are kept, the rest resume on the next run.</summary>
    public const int Interrupted = 130;
}
