namespace Lumen.Training.Search;

/// <summary>A search space: parameters in a fixed order, and the trials of a grid or random search over them. A trial
/// is an ordered list of (parameter, value) pairs.</summary>
public sealed class SearchSpace
{
    /// <summary>The parameters, in the order the space gives them.</summary>
    public IReadOnlyList<SearchParameter> Parameters { get; }

    /// <exception cref="ArgumentException">no parameters, a parameter twice, an empty list, or a bad range.</exception>
    public SearchSpace(IReadOnlyList<SearchParameter> parameters)
    {
        if (parameters.Count == 0) throw new ArgumentException("SearchSpace: the space has no parameters.");
        foreach (var p in parameters)
        {
            if (p.Choices is { Count: 0 }) throw new ArgumentException($"SearchSpace: parameter '{p.Name}' has an empty list of values.");
            if (p.IsRange && !(p.Min <= p.Max)) throw new ArgumentException($"SearchSpace: parameter '{p.Name}': min ({p.Min}) is above max ({p.Max}).");
            if (p.IsRange && p.Log && !(p.Min > 0)) throw new ArgumentException($"SearchSpace: parameter '{p.Name}': a log range needs min > 0, got {p.Min}.");
        }
        var twice = parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice != null) throw new ArgumentException($"SearchSpace: parameter '{twice.Key}' is given twice.");
        Parameters = parameters;
    }

    /// <summary>Whether every parameter is a list (so the grid is finite).</summary>
    public bool IsFinite => Parameters.All(p => !p.IsRange);

    /// <summary>The number of grid points (the product of the list lengths).</summary>
    public long GridSize => IsFinite ? Parameters.Aggregate(1L, (n, p) => n * p.Choices!.Count) : long.MaxValue;

    /// <summary>Every combination, the last parameter changing fastest (Python's <c>itertools.product</c> order).</summary>
    /// <exception cref="InvalidOperationException">a parameter is a range.</exception>
    public List<IReadOnlyList<(string Name, string Value)>> Grid()
    {
        var range = Parameters.FirstOrDefault(p => p.IsRange);
        if (range != null) throw new InvalidOperationException($"SearchSpace: grid search needs a list of values for every parameter; '{range.Name}' is a range (use random search).");
        var trials = new List<IReadOnlyList<(string, string)>> { Array.Empty<(string, string)>() };
        foreach (var p in Parameters)
            trials = trials.SelectMany(t => p.Choices!.Select(v => (IReadOnlyList<(string, string)>)t.Append((p.Name, v)).ToList())).ToList();
        return trials;
    }

    /// <summary><paramref name="trials"/> random trials drawn with <c>new Random(seed)</c>. When every parameter is a
    /// list, distinct grid points are drawn (a seeded shuffle of the grid), at most the whole grid; otherwise every
    /// parameter is drawn independently, in order, trial after trial.</summary>
    public List<IReadOnlyList<(string Name, string Value)>> Random(int trials, long seed)
    {
        if (trials < 1) throw new ArgumentException($"SearchSpace: random search needs at least 1 trial, got {trials}.");
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        if (IsFinite)
        {
            var grid = Grid();
            for (int i = grid.Count - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (grid[i], grid[j]) = (grid[j], grid[i]);
            }
            return grid.Take(trials).ToList();
        }
        var list = new List<IReadOnlyList<(string, string)>>();
        for (int t = 0; t < trials; t++) list.Add(Parameters.Select(p => (p.Name, p.Sample(random))).ToList());
        return list;
    }
}
