namespace Lumen.Optim.Schedulers;

/// <summary>Multiplies each group's rate by λ(epoch) every epoch after the first, PyTorch's <c>MultiplicativeLR</c>.</summary>
public sealed class MultiplicativeLR : LRScheduler
{
    private readonly Func<int, double>[] _lambdas;

    public MultiplicativeLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Enumerable.Repeat(lrLambda ?? throw new ArgumentNullException(nameof(lrLambda)), optimizer.ParamGroups.Count).ToArray(), lastEpoch) { }

    public MultiplicativeLR(Optimizer optimizer, IReadOnlyList<Func<int, double>> lrLambdas, int lastEpoch = -1) : base(optimizer)
    {
        if (lrLambdas.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"MultiplicativeLR: Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambdas.Count}.");
        _lambdas = lrLambdas.ToArray();
        Initialize(lastEpoch);
        InitialStep();
    }

    protected override double[] GetLr() =>
        LastEpoch > 0 ? GroupLrs().Select((lr, i) => lr * _lambdas[i](LastEpoch)).ToArray() : GroupLrs();

    public override Dictionary<string, object?> StateDict() { var d = base.StateDict(); d["lr_lambdas"] = new object?[_lambdas.Length]; return d; }
}
