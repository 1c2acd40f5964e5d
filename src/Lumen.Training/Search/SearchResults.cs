using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumen.Training.Search;

/// <summary>Ranks the trials of a search by their objective and writes them as a text table, CSV and JSON.</summary>
public static class SearchResults
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Finished trials best first (ties: lower trial number first), then failed trials by number.</summary>
    public static List<TrialResult> Rank(IEnumerable<TrialResult> trials, MonitorMode mode)
    {
        var list = trials.ToList();
        var ok = list.Where(t => t.Ok).OrderBy(t => mode == MonitorMode.Max ? -t.Objective!.Value : t.Objective!.Value).ThenBy(t => t.Trial);
        return ok.Concat(list.Where(t => !t.Ok).OrderBy(t => t.Trial)).ToList();
    }

    /// <summary>The column headers for a search over <paramref name="parameters"/> that monitors <paramref name="monitor"/>.</summary>
    public static List<string> Columns(IReadOnlyList<string> parameters, string monitor)
    {
        var c = new List<string> { "trial" };
        c.AddRange(parameters);
        c.AddRange(new[] { "status", "best_epoch", "epochs", monitor });
        if (monitor != "valid_acc") c.Add("valid_acc");
        c.AddRange(new[] { "test_acc", "seconds", "error" });
        return c;
    }

    private static List<string> Row(TrialResult t, IReadOnlyList<string> parameters, string monitor, bool pretty)
    {
        string Num(double? v, bool acc) => v is not double d || double.IsNaN(d) ? "" :
            pretty ? (acc ? (100 * d).ToString("F2", Inv) + "%" : d.ToString("F4", Inv)) : d.ToString("R", Inv);
        bool monitorIsAcc = monitor.Contains("acc", StringComparison.Ordinal);
        var r = new List<string> { pretty ? t.Run : t.Trial.ToString(Inv) };
        r.AddRange(parameters.Select(p => t.Params.TryGetValue(p, out var v) ? v : ""));
        r.Add(t.Status);
        r.Add(t.BestEpoch?.ToString(Inv) ?? "");
        r.Add(t.Epochs?.ToString(Inv) ?? "");
        r.Add(Num(t.Objective, monitorIsAcc));
        if (monitor != "valid_acc") r.Add(Num(t.ValidAcc, true));
        r.Add(Num(t.TestAcc, true));
        r.Add(pretty ? t.Seconds.ToString("F1", Inv) : t.Seconds.ToString("R", Inv));
        r.Add(t.Error ?? "");
        return r;
    }

    /// <summary>The ranked trials as an aligned text table (accuracies in percent).</summary>
    public static string ToTable(IReadOnlyList<TrialResult> ranked, IReadOnlyList<string> parameters, string monitor)
    {
        var rows = new List<List<string>> { Columns(parameters, monitor) };
        rows.AddRange(ranked.Select(t => Row(t, parameters, monitor, pretty: true)));
        int n = rows[0].Count;
        var width = Enumerable.Range(0, n).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            var cells = r.Select((c, i) => i == n - 1 ? c : i == 0 || i == parameters.Count + 1 ? c.PadRight(width[i]) : c.PadLeft(width[i]));
            sb.Append(string.Join("  ", cells).TrimEnd()).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The ranked trials as CSV (round-trip numbers, accuracies in [0, 1]).</summary>
    public static string ToCsv(IReadOnlyList<TrialResult> ranked, IReadOnlyList<string> parameters, string monitor)
    {
        static string Cell(string s) => s.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
        var sb = new StringBuilder(string.Join(",", Columns(parameters, monitor).Select(Cell))).Append('\n');
        foreach (var t in ranked) sb.Append(string.Join(",", Row(t, parameters, monitor, pretty: false).Select(Cell))).Append('\n');
        return sb.ToString();
    }

    /// <summary>One trial as JSON (the search keeps it as <c>trial.json</c> in the trial's run directory).</summary>
    public static string ToJson(TrialResult t) => JsonSerializer.Serialize(t, Json);

    /// <summary>Reads <see cref="ToJson(TrialResult)"/>.</summary>
    public static TrialResult FromJson(string json) => JsonSerializer.Deserialize<TrialResult>(json, Json) ?? throw new JsonException("null trial");

    /// <summary>The whole search as JSON: its settings and the ranked trials.</summary>
    public static string ToJson(IReadOnlyList<TrialResult> ranked, string monitor, MonitorMode mode, string method, IReadOnlyList<string> parameters) =>
        JsonSerializer.Serialize(new
        {
            monitor,
            mode = mode == MonitorMode.Max ? "max" : "min",
            method,
            parameters,
            best = ranked.FirstOrDefault(t => t.Ok)?.Run,
            trials = ranked,
        }, Json);
}
