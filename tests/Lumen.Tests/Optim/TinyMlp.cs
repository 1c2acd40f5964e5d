using Lumen.NN;

namespace Lumen.Tests.Optim;

/// <summary>The tiny MLP of tests/Fixtures/gen_optim.py, written with elementwise ops and sums only:
/// h = softplus((x.unsqueeze(2)·W1).sum(1) + b1), out = (h.unsqueeze(2)·W2).sum(1) + b2, loss = mean((out − y)²).
/// Its initial parameters and data come from the fixture.</summary>
internal sealed class TinyMlp
{
    public readonly Parameter[] P;
    public readonly Tensor X, Y;

    public TinyMlp()
    {
        var c = Fixtures.Case("optim", "model");
        X = c.Tensor("x"); Y = c.Tensor("y");
        P = new[] { "W1", "b1", "W2", "b2" }.Select(k => new Parameter(c.Tensor(k))).ToArray();
    }

    /// <summary>A model with the same data and the given flat parameter values.</summary>
    public TinyMlp(float[] flat) : this() => Load(flat);

    public Tensor Loss()
    {
        var h = X.Unsqueeze(2).Mul(P[0]).Sum(1).Add(P[1]);
        h = h.Exp().Add(1f).Log();
        var output = h.Unsqueeze(2).Mul(P[2]).Sum(1).Add(P[3]);
        var d = output.Sub(Y);
        return d.Mul(d).Mean();
    }

    public float[] Flat() => P.SelectMany(p => p.ToArray()).ToArray();

    public float[] FlatGrad() => P.SelectMany(p => p.Grad!.ToArray()).ToArray();

    public void Load(float[] flat)
    {
        int off = 0;
        foreach (var p in P)
        {
            int n = p.Numel();
            flat.AsSpan(off, n).CopyTo(p.SpanF32());
            off += n;
        }
    }

    /// <summary>Replaces each dense gradient by the sparse one of the fixture: the entries whose flat index i has
    /// (i + k) % 3 == 0 absent.</summary>
    public void MaskGrads(int k)
    {
        // PyTorch's fixture: p.grad = (p.grad * mask).to_sparse(), the entries with (i + k) % 3 == 0 absent.
        foreach (var p in P)
        {
            var g = p.Grad!.SpanF32();
            for (int i = 0; i < g.Length; i++) if ((i + k) % 3 == 0) g[i] = 0f;
            p.SparseGrad = SparseGradient.FromDense(p.Grad!);
            p.Grad = null;
        }
    }
}
