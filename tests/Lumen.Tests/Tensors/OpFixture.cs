using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>Runs one case of tests/Fixtures/data/reduce_index.json (written by gen_reduce_index.py): loads the inputs x, x1, …
/// (float ones require grad), repeats the op, compares the forward output, PyTorch's grad_fn name and the input gradients for
/// the case's fixed upstream gradient.</summary>
internal static class OpFixture
{
    private const string File = "reduce_index";

    public static void Check(string name, Func<Tensor[], Tensor> op)
    {
        var (c, xs) = Load(name);
        var y = op(xs);
        Compare(Read(c, "out"), y, name);
        if (!c.Has("g")) { Assert.False(y.RequiresGrad, $"{name}: the output should not require grad"); return; }
        Assert.Equal(c.Str("grad_fn"), y.GradFn?.Name);
        y.Backward(c.Tensor("g"));
        CompareGrads(c, xs);
    }

    public static void CheckPair(string name, Func<Tensor[], ValuesIndices> op)
    {
        var (c, xs) = Load(name);
        var (values, indices) = op(xs);
        Compare(Read(c, "out"), values, name + " values");
        TensorAssert.Equal(Read(c, "indices"), indices, name + " indices");
        Assert.Equal(c.Str("grad_fn"), values.GradFn?.Name);
        values.Backward(c.Tensor("g"));
        CompareGrads(c, xs);
    }

    public static void CheckMany(string name, Func<Tensor[], Tensor[]> op)
    {
        var (c, xs) = Load(name);
        var ys = op(xs);
        Assert.Equal(c.Int("n"), ys.Length);
        Tensor? loss = null;
        for (int i = 0; i < ys.Length; i++)
        {
            Compare(Read(c, $"out{i}"), ys[i], $"{name} output {i}");
            var term = ys[i].Mul(c.Tensor($"g{i}")).Sum();
            loss = loss == null ? term : loss.Add(term);
        }
        Assert.Equal(c.Str("grad_fn"), ys[0].GradFn?.Name);
        loss!.Backward();
        CompareGrads(c, xs);
    }

    private static (FixtureCase, Tensor[]) Load(string name)
    {
        var c = Fixtures.Case(File, name);
        var xs = new List<Tensor>();
        for (int i = 0; c.Has(i == 0 ? "x" : $"x{i}"); i++)
        {
            var x = Read(c, i == 0 ? "x" : $"x{i}");
            if (x.DType == DType.Float32) x.RequiresGrad = true;
            xs.Add(x);
        }
        return (c, xs.ToArray());
    }

    /// <summary>FixtureCase.Tensor, but keeping 0-d bool/uint8 tensors 0-d (Fixtures.cs reads them as shape [1]).</summary>
    private static Tensor Read(FixtureCase c, string key)
    {
        var t = c.Tensor(key);
        return c.Raw(key).GetProperty("shape").GetArrayLength() == 0 && t.Ndim != 0 ? t.Reshape() : t;
    }

    private static void Compare(Tensor expected, Tensor actual, string what)
    {
        if (expected.DType == DType.Float32) { Assert.Equal(DType.Float32, actual.DType); TensorAssert.Close(expected, actual, 1e-5, what); }
        else TensorAssert.Equal(expected, actual, what);
    }

    private static void CompareGrads(FixtureCase c, Tensor[] xs)
    {
        for (int i = 0; i < xs.Length; i++)
        {
            string key = i == 0 ? "dx" : $"dx{i}";
            if (!c.Has(key)) continue;
            Assert.NotNull(xs[i].Grad);
            TensorAssert.Close(c.Tensor(key), xs[i].Grad!, 1e-5, $"{c.Id} {key}");
        }
    }

    /// <summary>Distinct values (k + 1)·0.13 with mixed signs in a seeded random order: far apart (and apart in |x|) compared
    /// with GradCheck's step, so max/sort/topk/norm-∞ pick the same elements in every finite difference.</summary>
    public static Tensor Spread(int seed, params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var rng = new Random(seed);
        var v = Enumerable.Range(0, n).Select(k => (float)((k + 1) * 0.13 * (k % 3 == 1 ? -1 : 1))).OrderBy(_ => rng.Next()).ToArray();
        return Torch.Tensor(v, shape);
    }
}
