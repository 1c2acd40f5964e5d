using Lumen.Training;
using Lumen.Training.Search;
using Xunit;

namespace Lumen.Training.Tests.Search;

public sealed class SearchSpaceTests
{
    private static SearchSpace Seed001() => new(new[]
    {
        SearchParameter.Of("c1", "48", "64"), SearchParameter.Of("c2", "96", "128"), SearchParameter.Of("l1", "256", "512"),
    });

    [Fact]
    public void Grid_is_every_combination_with_the_last_parameter_changing_fastest()
    {
        var grid = Seed001().Grid();
        Assert.Equal(8, grid.Count);
        Assert.Equal(new[] { ("c1", "48"), ("c2", "96"), ("l1", "256") }, grid[0]);
        Assert.Equal(new[] { ("c1", "48"), ("c2", "96"), ("l1", "512") }, grid[1]);
        Assert.Equal(new[] { ("c1", "64"), ("c2", "128"), ("l1", "512") }, grid[7]);
        Assert.Equal(8, grid.Select(t => string.Join(",", t)).Distinct().Count());
    }

    [Fact]
    public void Random_search_over_lists_draws_distinct_grid_points_and_repeats_with_its_seed()
    {
        var a = Seed001().Random(5, seed: 7);
        var b = Seed001().Random(5, seed: 7);
        Assert.Equal(a.Select(t => string.Join(",", t)), b.Select(t => string.Join(",", t)));
        Assert.Equal(5, a.Select(t => string.Join(",", t)).Distinct().Count());
        Assert.NotEqual(a.Select(t => string.Join(",", t)), Seed001().Random(5, seed: 8).Select(t => string.Join(",", t)));
        Assert.Equal(8, Seed001().Random(100, seed: 7).Count); // at most the whole grid
    }

    [Fact]
    public void Random_ranges_stay_inside_their_bounds_and_integer_ranges_give_integers()
    {
        var space = new SearchSpace(new[]
        {
            new SearchParameter("lr", null, 1e-4, 1e-1, Log: true),
            new SearchParameter("batch-size", null, 16, 128, Integer: true),
        });
        var trials = space.Random(200, seed: 1);
        var lrs = trials.Select(t => double.Parse(t[0].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.All(lrs, v => Assert.InRange(v, 1e-4, 1e-1));
        // Log-uniform: about a third of the draws per decade.
        Assert.InRange(lrs.Count(v => v < 1e-3), 40, 95);
        Assert.All(trials, t => Assert.InRange(int.Parse(t[1].Value), 16, 128));
        Assert.Equal(trials.Select(t => string.Join(",", t)), space.Random(200, seed: 1).Select(t => string.Join(",", t)));
    }

    [Theory]
    [InlineData("no parameters")]
    [InlineData("empty list")]
    [InlineData("twice")]
    [InlineData("log of zero")]
    public void A_bad_space_is_refused_with_the_parameter_named(string what)
    {
        SearchParameter[] ps = what switch
        {
            "no parameters" => Array.Empty<SearchParameter>(),
            "empty list" => new[] { SearchParameter.Of("lr") },
            "twice" => new[] { SearchParameter.Of("lr", "1"), SearchParameter.Of("lr", "2") },
            _ => new[] { new SearchParameter("lr", null, 0, 1, Log: true) },
        };
        var e = Assert.Throws<ArgumentException>(() => new SearchSpace(ps));
        if (ps.Length > 0) Assert.Contains("'lr'", e.Message);
    }

    [Fact]
    public void Grid_search_over_a_range_is_refused()
    {
        var space = new SearchSpace(new[] { new SearchParameter("lr", null, 0.1, 1) });
        Assert.Throws<InvalidOperationException>(() => space.Grid());
    }

    private static TrialResult T(int n, double? objective, string status = "ok") => new()
    {
        Trial = n, Run = $"trial-{n:D3}", Params = new() { ["lr"] = n.ToString() }, Status = status, Objective = objective,
        BestEpoch = objective == null ? null : 1, Epochs = objective == null ? null : 1, Error = status == "ok" ? null : "boom",
    };

    [Fact]
    public void Rank_puts_the_best_objective_first_and_failed_trials_last()
    {
        var trials = new[] { T(1, 0.5), T(2, null, "failed"), T(3, 0.9), T(4, 0.5) };
        Assert.Equal(new[] { 3, 1, 4, 2 }, SearchResults.Rank(trials, MonitorMode.Max).Select(t => t.Trial));
        Assert.Equal(new[] { 1, 4, 3, 2 }, SearchResults.Rank(trials, MonitorMode.Min).Select(t => t.Trial));
    }

    [Fact]
    public void Csv_and_table_have_one_row_per_trial_and_trial_json_round_trips()
    {
        var ranked = SearchResults.Rank(new[] { T(1, 0.25), T(2, null, "failed") }, MonitorMode.Max);
        var csv = SearchResults.ToCsv(ranked, new[] { "lr" }, "valid_acc").TrimEnd('\n').Split('\n');
        Assert.Equal("trial,lr,status,best_epoch,epochs,valid_acc,test_acc,seconds,error", csv[0]);
        Assert.Equal("1,1,ok,1,1,0.25,,0,", csv[1]);
        Assert.Equal("2,2,failed,,,,,0,boom", csv[2]);
        var table = SearchResults.ToTable(ranked, new[] { "lr" }, "valid_acc");
        Assert.Contains("25.00%", table);
        Assert.Equal(3, table.TrimEnd('\n').Split('\n').Length);
        Assert.Equal(ranked[0], SearchResults.FromJson(SearchResults.ToJson(ranked[0])) with { Params = ranked[0].Params });
        Assert.Equal(ranked[0].Params, SearchResults.FromJson(SearchResults.ToJson(ranked[0])).Params);
    }
}
