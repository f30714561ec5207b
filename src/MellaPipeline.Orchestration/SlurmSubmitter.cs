using System.Diagnostics;
using System.Globalization;
using System.Text;
using MellaPipeline.Json;
using MellaPipeline.Runs;

namespace MellaPipeline.Orchestration;

/// <summary>Resources asked of Slurm for each array task (null = the cluster's default).</summary>
public sealed record SlurmResources(string? Partition, string? Time, int? CpusPerTask, string? Memory);

/// <summary>One <c>sbatch</c> submission: what it runs and the job id Slurm gave it.</summary>
public sealed record SlurmJob(string Kind, string Array, int Offset, string JobId, string Command);

/// <summary><c>RUN/slurm/jobs.json</c>: every submission of the run, in order.</summary>
public sealed record SlurmSubmission(int Tasks, IReadOnlyList<SlurmJob> Jobs);

/// <summary>
/// Submits a run to Slurm: one <c>sbatch --array</c> job per block of ranks (a block is at most
/// MaxArraySize indices; a rank is its block's offset plus the array index), each array task
/// running <c>mella run --rank</c> for its rank, then one reduce job depending on all of them
/// (<c>afterok</c>) that runs <c>mella run --reduce</c>. The launch scripts are written into the
/// run directory first (<c>RUN/slurm/</c>), logs go to <c>RUN/logs/rank-RRRRR.log</c>. A task
/// killed or requeued (SIGTERM) leaves no completion marker, so <c>mella status</c> lists it and
/// <c>--resume</c> submits only what is missing.
/// </summary>
public sealed class SlurmSubmitter(string pipelineName, string pipelineFile, RunDirectory run, int tasks, int reduceWorkers, SlurmResources resources)
{
    public string SlurmDir => Path.Combine(run.Root, "slurm");

    public string LogsDir => Path.Combine(run.Root, "logs");

    /// <summary>Writes the scripts and submits the ranks given (all, or the missing ones) and the reduce.</summary>
    /// <exception cref="InvalidOperationException">sbatch failed; the message holds its output.</exception>
    public SlurmSubmission Submit(IReadOnlyList<int> ranks)
    {
        Directory.CreateDirectory(SlurmDir);
        Directory.CreateDirectory(LogsDir);
        string taskScript = Path.Combine(SlurmDir, "task.sh"), reduceScript = Path.Combine(SlurmDir, "reduce.sh");
        WriteScript(taskScript, TaskScript());
        WriteScript(reduceScript, ReduceScript());

        int blockSize = Math.Max(1, MaxArraySize() - 1);
        var jobs = new List<SlurmJob>();
        foreach (var block in ranks.GroupBy(r => r / blockSize).OrderBy(g => g.Key))
        {
            int offset = block.Key * blockSize;
            string array = RankRanges.Format(block.Select(r => r - offset));
            var arguments = Resources(["--parsable", $"--array={array}", "--requeue", "--output=/dev/null", $"--job-name=mella-{pipelineName}",
                $"--export=ALL,MELLA_RANK_OFFSET={offset}", taskScript]);
            jobs.Add(new SlurmJob("tasks", array, offset, Sbatch(arguments), "sbatch " + string.Join(' ', arguments)));
        }

        var dependency = jobs.Count > 0 ? [$"--dependency=afterok:{string.Join(':', jobs.Select(j => j.JobId))}"] : Array.Empty<string>();
        var reduceArguments = Resources(["--parsable", $"--job-name=mella-{pipelineName}-reduce", "--kill-on-invalid-dep=yes", "--output=" + Path.Combine(LogsDir, "reduce.log"), .. dependency, reduceScript]);
        jobs.Add(new SlurmJob("reduce", "", 0, Sbatch(reduceArguments), "sbatch " + string.Join(' ', reduceArguments)));

        var earlier = File.Exists(JobsPath) ? System.Text.Json.JsonSerializer.Deserialize<SlurmSubmission>(File.ReadAllBytes(JobsPath), MellaJson.Indented)?.Jobs ?? [] : [];
        var submission = new SlurmSubmission(tasks, [.. earlier, .. jobs]);
        AtomicFile.WriteJson(JobsPath, submission, MellaJson.Indented);
        return submission with { Jobs = jobs };
    }

    public string JobsPath => Path.Combine(SlurmDir, "jobs.json");

    /// <summary>The command that runs this mella: the same executable (and, under <c>dotnet</c>, the same assembly).</summary>
    private static string MellaCommand()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        string assembly = typeof(SlurmSubmitter).Assembly.Location;
        string entry = Path.Combine(Path.GetDirectoryName(assembly)!, "mella.dll");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? $"{Quote(process)} {Quote(entry)}" : Quote(process);
    }

    private string TaskScript() => $$"""
        #!/usr/bin/env bash
        # One array task of a mella run: rank = MELLA_RANK_OFFSET + SLURM_ARRAY_TASK_ID. Written by mella slurm submit.
        set -uo pipefail
        rank=$(( ${MELLA_RANK_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))
        exec >>"{{LogsDir}}/rank-$(printf %05d "$rank").log" 2>&1
        echo "== $(date -u +%FT%TZ) rank $rank of {{tasks}} on $(hostname), job ${SLURM_JOB_ID:-?}"
        # Fault injection for tests, like MELLA_CRASH_AT: MELLA_CRASH_AT_RANK=R=point arms the crash point in rank R only.
        if [ -n "${MELLA_CRASH_AT_RANK:-}" ] && [ "${MELLA_CRASH_AT_RANK%%=*}" = "$rank" ]; then export MELLA_CRASH_AT="${MELLA_CRASH_AT_RANK#*=}"; else unset MELLA_CRASH_AT; fi
        {{MellaCommand()}} run {{Quote(pipelineFile)}} --out {{Quote(run.Root)}} --tasks {{tasks}} --rank "$rank" --workers 1
        """;

    private string ReduceScript() => $$"""
        #!/usr/bin/env bash
        # The reduce of a mella run, after every array task. Written by mella slurm submit.
        set -uo pipefail
        echo "== $(date -u +%FT%TZ) reduce on $(hostname), job ${SLURM_JOB_ID:-?}"
        unset MELLA_CRASH_AT
        {{MellaCommand()}} run {{Quote(pipelineFile)}} --out {{Quote(run.Root)}} --tasks {{tasks}} --reduce --workers {{reduceWorkers}}
        """;

    private string[] Resources(string[] arguments)
    {
        var list = new List<string>();
        if (resources.Partition is { } partition)
        {
            list.Add($"--partition={partition}");
        }

        if (resources.Time is { } time)
        {
            list.Add($"--time={time}");
        }

        if (resources.CpusPerTask is { } cpus)
        {
            list.Add(string.Create(CultureInfo.InvariantCulture, $"--cpus-per-task={cpus}"));
        }

        if (resources.Memory is { } memory)
        {
            list.Add($"--mem={memory}");
        }

        return [.. list, .. arguments];
    }

    private static void WriteScript(string path, string text)
    {
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n") + "\n"));
        if (OperatingSystem.IsWindows())
        {
            return; // Slurm clusters run Linux; nothing to mark executable here
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    /// <summary>The cluster's MaxArraySize (array indices run from 0 to one less); 1001, Slurm's default, when it cannot be read.</summary>
    private static int MaxArraySize()
    {
        var (code, output) = Run("scontrol", ["show", "config"]);
        if (code == 0)
        {
            foreach (string line in output.Split('\n'))
            {
                var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && parts[0] == "MaxArraySize" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size > 1)
                {
                    return size;
                }
            }
        }

        return 1001;
    }

    private static string Sbatch(string[] arguments)
    {
        var (code, output) = Run("sbatch", arguments);
        string id = output.Trim().Split(';')[0];
        if (code != 0 || id.Length == 0 || !id.All(char.IsDigit))
        {
            throw new InvalidOperationException($"sbatch {string.Join(' ', arguments)} failed ({code}): {output.Trim()}");
        }

        return id;
    }

    private static (int Code, string Output) Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, $"{program}: {e.Message} (is Slurm installed, and SLURM_CONF set?)");
        }
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
