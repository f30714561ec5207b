using System.Diagnostics;
using System.Globalization;
using System.Text;
using MellaPipeline.Json;
using MellaPipeline.Runs;

namespace MellaPipeline.Orchestration;

/// <summary>Resources asked of Slurm for each array task (null = the cluster's default).</summary>
public sealed record SlurmResources(string? Partition, string? Time, int? CpusPerTask, string? Memory);

/// <summary>One <c>sbatch</c> submission: what it runs and the job id Slurm gave it.</summary>
public sealed record SlurmJob(string Kind, string Array, int Offset, string JobId, string Command)
{
    /// <summary>The line <c>mella slurm submit</c> prints for this job.</summary>
    public string Describe()
    {
        string offset = Offset > 0 ? $" (ranks offset by {Offset})" : "";
        return Kind switch
        {
            "tasks" => $"tasks:   job {JobId}, --array={Array}{offset}",
            "cluster" => $"cluster: job {JobId} (after the tasks)",
            "filter" => $"filter:  job {JobId}, --array={Array}{offset} (after the clustering)",
            _ => $"finish:  job {JobId} (after the filters)",
        };
    }
}

/// <summary><c>RUN/slurm/jobs.json</c>: every submission of the run, in order.</summary>
public sealed record SlurmSubmission(int Tasks, IReadOnlyList<SlurmJob> Jobs);

/// <summary>
/// What a submission runs: the tasks not complete yet, the clustering unless done (always after tasks that run now),
/// the filters of the tasks not filtered yet; the finish (caption layers, manifest, summary) always.
/// </summary>
public sealed record SlurmPlan(IReadOnlyList<int> Tasks, bool Cluster, IReadOnlyList<int> Filters)
{
    /// <summary>What is missing in <paramref name="run"/>, by its markers: a resubmission runs only that.</summary>
    public static SlurmPlan Missing(RunDirectory run, int world)
    {
        var ranks = Enumerable.Range(0, world);
        var tasks = ranks.Where(r => !run.IsComplete(r)).ToList();
        return new SlurmPlan(tasks, tasks.Count > 0 || !File.Exists(run.ClustersSummaryPath), ranks.Where(r => tasks.Contains(r) || !run.IsReduced(r)).ToList());
    }
}

/// <summary>The Slurm commands a submission needs; <see cref="SlurmCommands"/> runs the real ones.</summary>
public interface ISlurmClient
{
    /// <summary>Runs <c>sbatch ARGUMENTS</c> and returns the job id.</summary>
    /// <exception cref="InvalidOperationException">sbatch failed; the message holds its output.</exception>
    string Sbatch(IReadOnlyList<string> arguments);

    /// <summary>The cluster's MaxArraySize (array indices run from 0 to one less).</summary>
    int MaxArraySize();
}

/// <summary>
/// Submits a run to Slurm as a graph of jobs, each waiting for the one before (<c>afterok</c>; a failed one cancels
/// the rest, <c>--kill-on-invalid-dep</c>): the tasks, one <c>sbatch --array</c> job per block of ranks (a block is at
/// most MaxArraySize indices; a rank is its block's offset plus the array index), each array task running
/// <c>mella run --rank</c>; the clustering, one job (<c>mella run --reduce --phase cluster</c>); the filters, an array of
/// one task per rank again, each copying its task's staged rows into its final shards on whatever node it runs
/// (<c>--reduce --phase filter --rank</c>), so that the dataset's bytes are copied by as many processes as there are
/// tasks; the finish, one small job (<c>--reduce --phase finish</c>). The launch scripts are written into the run
/// directory first (<c>RUN/slurm/</c>), logs go to <c>RUN/logs/</c>. A task killed or requeued (SIGTERM) leaves no
/// completion marker, so <c>mella status</c> lists it and <c>--resume</c> submits only what is missing (<see cref="SlurmPlan.Missing"/>).
/// </summary>
public sealed class SlurmSubmitter(string pipelineName, string pipelineFile, RunDirectory run, int tasks, int reduceWorkers, SlurmResources resources, ISlurmClient? slurm = null)
{
    private readonly ISlurmClient _slurm = slurm ?? new SlurmCommands();

    public string SlurmDir => Path.Combine(run.Root, "slurm");

    public string LogsDir => Path.Combine(run.Root, "logs");

    /// <summary>Writes the scripts and submits what <paramref name="plan"/> names, each phase after the last one submitted before it.</summary>
    /// <exception cref="InvalidOperationException">sbatch failed; the message holds its output.</exception>
    public SlurmSubmission Submit(SlurmPlan plan)
    {
        Directory.CreateDirectory(SlurmDir);
        Directory.CreateDirectory(LogsDir);
        string taskScript = Script("task.sh", TaskScript()), clusterScript = Script("cluster.sh", ReduceScript("cluster", "--phase cluster"));
        string filterScript = Script("filter.sh", FilterScript()), finishScript = Script("finish.sh", ReduceScript("finish", "--phase finish"));

        int blockSize = Math.Max(1, _slurm.MaxArraySize() - 1);
        var jobs = new List<SlurmJob>();
        string[] after = [];
        after = Arrays(jobs, "tasks", $"mella-{pipelineName}", plan.Tasks, blockSize, taskScript, after);
        if (plan.Cluster)
        {
            after = [Single(jobs, "cluster", clusterScript, after)];
        }

        after = Arrays(jobs, "filter", $"mella-{pipelineName}-filter", plan.Filters, blockSize, filterScript, after);
        Single(jobs, "finish", finishScript, after);

        var earlier = File.Exists(JobsPath) ? System.Text.Json.JsonSerializer.Deserialize<SlurmSubmission>(File.ReadAllBytes(JobsPath), MellaJson.Indented)?.Jobs ?? [] : [];
        var submission = new SlurmSubmission(tasks, [.. earlier, .. jobs]);
        AtomicFile.WriteJson(JobsPath, submission, MellaJson.Indented);
        return submission with { Jobs = jobs };
    }

    /// <summary>Submits one array job per block of <paramref name="ranks"/>; returns their ids, or <paramref name="after"/> when there are none.</summary>
    private string[] Arrays(List<SlurmJob> jobs, string kind, string name, IReadOnlyList<int> ranks, int blockSize, string script, string[] after)
    {
        var submitted = new List<string>();
        foreach (var block in ranks.GroupBy(r => r / blockSize).OrderBy(g => g.Key))
        {
            int offset = block.Key * blockSize;
            string array = RankRanges.Format(block.Select(r => r - offset));
            var arguments = Resources(["--parsable", $"--array={array}", "--requeue", "--output=/dev/null", $"--job-name={name}", .. Dependency(after),
                $"--export=ALL,MELLA_RANK_OFFSET={offset}", script]);
            string id = _slurm.Sbatch(arguments);
            jobs.Add(new SlurmJob(kind, array, offset, id, "sbatch " + string.Join(' ', arguments)));
            submitted.Add(id);
        }

        return submitted.Count > 0 ? [.. submitted] : after;
    }

    private string Single(List<SlurmJob> jobs, string kind, string script, string[] after)
    {
        var arguments = Resources(["--parsable", $"--job-name=mella-{pipelineName}-{kind}", "--output=" + Path.Combine(LogsDir, kind + ".log"), .. Dependency(after), script]);
        string id = _slurm.Sbatch(arguments);
        jobs.Add(new SlurmJob(kind, "", 0, id, "sbatch " + string.Join(' ', arguments)));
        return id;
    }

    private static string[] Dependency(string[] after) =>
        after.Length > 0 ? [$"--dependency=afterok:{string.Join(':', after)}", "--kill-on-invalid-dep=yes"] : [];

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

    private string FilterScript() => $$"""
        #!/usr/bin/env bash
        # The reduce's filter of one task of a mella run, after the clustering: rank = MELLA_RANK_OFFSET + SLURM_ARRAY_TASK_ID. Written by mella slurm submit.
        set -uo pipefail
        rank=$(( ${MELLA_RANK_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))
        exec >>"{{LogsDir}}/filter-$(printf %05d "$rank").log" 2>&1
        echo "== $(date -u +%FT%TZ) filter of rank $rank of {{tasks}} on $(hostname), job ${SLURM_JOB_ID:-?}"
        unset MELLA_CRASH_AT
        {{MellaCommand()}} run {{Quote(pipelineFile)}} --out {{Quote(run.Root)}} --tasks {{tasks}} --reduce --phase filter --rank "$rank" --workers 1
        """;

    private string ReduceScript(string phase, string arguments) => $$"""
        #!/usr/bin/env bash
        # The reduce's {{phase}} phase of a mella run. Written by mella slurm submit.
        set -uo pipefail
        echo "== $(date -u +%FT%TZ) reduce {{phase}} on $(hostname), job ${SLURM_JOB_ID:-?}"
        unset MELLA_CRASH_AT
        {{MellaCommand()}} run {{Quote(pipelineFile)}} --out {{Quote(run.Root)}} --tasks {{tasks}} --reduce {{arguments}} --workers {{reduceWorkers}}
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

    private string Script(string name, string text)
    {
        string path = Path.Combine(SlurmDir, name);
        WriteScript(path, text);
        return path;
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

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>The real <c>sbatch</c> and <c>scontrol</c>, found on PATH (<c>SLURM_CONF</c> names the cluster).</summary>
public sealed class SlurmCommands : ISlurmClient
{
    /// <inheritdoc/>
    /// <remarks>1001, Slurm's default, when it cannot be read.</remarks>
    public int MaxArraySize()
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

    /// <inheritdoc/>
    public string Sbatch(IReadOnlyList<string> arguments)
    {
        var (code, output) = Run("sbatch", arguments);
        string id = output.Trim().Split(';')[0];
        if (code != 0 || id.Length == 0 || !id.All(char.IsDigit))
        {
            throw new InvalidOperationException($"sbatch {string.Join(' ', arguments)} failed ({code}): {output.Trim()}");
        }

        return id;
    }

    private static (int Code, string Output) Run(string program, IReadOnlyList<string> arguments)
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
}
