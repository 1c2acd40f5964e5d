using System.Globalization;

namespace Lumen.Training.Search;

/// <summary>One dimension of a search space: a list of values to choose from (grid or random search), or a numeric
/// range (random search only). Values are kept as text, as they are written in the space file and passed on.</summary>
/// <param name="Name">the parameter's name (a training option or a model argument).</param>
/// <param name="Choices">the values, or null for a range.</param>
/// <param name="Min">the range's lower end.</param>
/// <param name="Max">the range's upper end.</param>
/// <param name="Log">draw uniformly in log space (Min must be positive).</param>
/// <param name="Integer">draw integers (both ends written as integers).</param>
public sealed record SearchParameter(string Name, IReadOnlyList<string>? Choices, double Min = 0, double Max = 0, bool Log = false, bool Integer = false)
{
    /// <summary>Whether this is a range rather than a list.</summary>
    public bool IsRange => Choices == null;

    /// <summary>A list parameter.</summary>
    public static SearchParameter Of(string name, params string[] values) => new(name, values);

    /// <summary>Draws one value: a uniform choice from the list, or a uniform (log-uniform) number in [Min, Max],
    /// rounded to an integer for integer ranges and written with 4 significant digits otherwise.</summary>
    public string Sample(Random random)
    {
        if (Choices != null) return Choices[random.Next(Choices.Count)];
        double u = random.NextDouble();
        double v = Log ? Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min))) : Min + u * (Max - Min);
        if (Integer) return ((long)Math.Clamp(Math.Round(v), Min, Max)).ToString(CultureInfo.InvariantCulture);
        return Math.Clamp(double.Parse(v.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), Min, Max).ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The values a search will try (the list, or the range's two ends), for checking them before it starts.</summary>
    public IEnumerable<string> Extremes() => Choices ?? new[]
    {
        Min.ToString(Integer ? "F0" : "R", CultureInfo.InvariantCulture), Max.ToString(Integer ? "F0" : "R", CultureInfo.InvariantCulture),
    };
}
