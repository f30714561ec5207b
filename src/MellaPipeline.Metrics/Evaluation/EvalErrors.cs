namespace MellaPipeline.Metrics.Evaluation;

/// <summary>What went wrong with the inputs, counted and listed (never silently dropped).</summary>
public sealed class EvalErrors
{
    /// <summary>Reference keys with no prediction (scored as an empty prediction).</summary>
    public long Missing { get; set; }

    /// <summary>Prediction lines repeating a key (the first one counts).</summary>
    public long Duplicate { get; set; }

    /// <summary>Predictions whose key is not among the references.</summary>
    public long Unknown { get; set; }

    /// <summary>Prediction lines that are not a JSON object with <c>key</c> and <c>prediction</c> strings, or whose <c>lang</c> differs from the reference's.</summary>
    public long Malformed { get; set; }

    /// <summary>The first 50 problems, each naming file and line or key.</summary>
    public List<string> Examples { get; } = [];

    public long Total => Missing + Duplicate + Unknown + Malformed;

    public void Note(string problem)
    {
        if (Examples.Count < 50)
        {
            Examples.Add(problem);
        }
    }
}
