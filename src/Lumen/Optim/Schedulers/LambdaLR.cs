namespace Lumen.Optim.Schedulers;

/// <summary>Sets each group's rate to base_lr · λ(epoch), PyTorch's <c>LambdaLR</c>. One function for all groups or one
/// per group. The functions are not part of the state dict (saved as nulls, as PyTorch does for plain functions).</summary>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<int, double>[] _lambdas;

    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Enumerable.Repeat(lrLambda ?? throw new ArgumentNullException(nameof(lrLambda)), optimizer.ParamGroups.Count).ToArray(), lastEpoch) { }

    public LambdaLR(Optimizer optimizer, IReadOnlyList<Func<int, double>> lrLambdas, int lastEpoch = -1) : base(optimizer)
    {
        if (lrLambdas.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"LambdaLR: Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambdas.Count}.");
        _lambdas = lrLambdas.ToArray();
        Initialize(lastEpoch);
        InitialStep();
    }

    protected override double[] GetLr() => BaseLrs.Select((b, i) => b * _lambdas[i](LastEpoch)).ToArray();

    public override Dictionary<string, object?> StateDict() { var d = base.StateDict(); d["lr_lambdas"] = new object?[_lambdas.Length]; return d; }
}
