using Lumen.Distributed.Mpi;
using Lumen.NN;
using static Lumen.Distributed.Mpi.MpiNative;

namespace Lumen.Distributed;

/// <summary>
/// Data-parallel training, PyTorch's <c>nn.parallel.DistributedDataParallel(module)</c>: every rank holds a replica of
/// <see cref="Module"/> and trains on its own shard of each batch; gradients are averaged across ranks during backward,
/// so after <c>loss.Backward()</c> every rank holds the same gradient and the optimizer steps keep the replicas equal.
/// N ranks × batch B give the update of 1 rank × batch N·B (with a mean-reduced loss).
/// <list type="bullet">
/// <item>Construction broadcasts rank 0's parameters and buffers, so the replicas start equal whatever each rank drew.</item>
/// <item>Parameters are grouped in buckets of about <c>bucketCapMb</c> MB in reverse registration order (the order backward
/// tends to produce them). When every gradient of a bucket has been accumulated (a post-accumulate-grad hook), the bucket
/// is copied into one flat buffer and reduced with a non-blocking MPI_Iallreduce while backward computes the rest; the end
/// of backward waits for all buckets, divides by the world size and writes the averages back to <c>.Grad</c>.</item>
/// <item>With <c>broadcastBuffers</c> (PyTorch's default) each forward in training mode first copies rank 0's buffers
/// (BatchNorm's running statistics) to every rank. Plain BatchNorm still normalises with each rank's own batch
/// statistics; use <see cref="SyncBatchNorm"/> for statistics over the global batch.</item>
/// </list>
/// State-dict keys gain the prefix <c>module.</c>, as in PyTorch; save <see cref="Module"/> for the plain keys.
/// </summary>
public sealed unsafe class DistributedDataParallel : Module, IDisposable
{
    private readonly ProcessGroup _group;
    private readonly GradientBucket[] _buckets;
    private readonly Dictionary<Parameter, (int Bucket, int Index)> _where = new(ReferenceEqualityComparer.Instance);
    private readonly bool _broadcastBuffers;
    private readonly List<HookHandle> _hooks = new();
    private bool[] _ready = Array.Empty<bool>();
    private int _nextToLaunch;
    private bool _passOpen;
    private bool _treeOrder;     // this pass sums in tree order (Torch.UseSplitInvariantReductions): all-gather at the end

    /// <param name="module">the replica this rank trains.</param>
    /// <param name="group">the ranks to average over; <see cref="ProcessGroup.World"/> when null.</param>
    /// <param name="bucketCapMb">bucket size in MB (PyTorch's <c>bucket_cap_mb</c>, 25).</param>
    /// <param name="broadcastBuffers">copy rank 0's buffers to all ranks at each training forward.</param>
    public DistributedDataParallel(Module module, ProcessGroup? group = null, double bucketCapMb = 25, bool broadcastBuffers = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(bucketCapMb > 0)) throw new ArgumentException($"DistributedDataParallel: bucketCapMb ({bucketCapMb}) must be positive.");
        Module = RegisterModule("module", module);
        _group = group ?? ProcessGroup.World;
        _broadcastBuffers = broadcastBuffers;
        using (Autograd.Autograd.NoGrad())
        {
            foreach (var p in module.Parameters()) _group.Broadcast(p, 0);
            foreach (var b in module.Buffers()) _group.Broadcast(b, 0);
        }

        var trainable = module.Parameters().Where(p => p.RequiresGrad).Reverse().ToList();
        long cap = (long)(bucketCapMb * 1024 * 1024 / sizeof(float));
        var buckets = new List<GradientBucket>();
        var current = new List<Parameter>();
        long size = 0;
        foreach (var p in trainable)
        {
            if (current.Count > 0 && size + p.Numel() > cap) { buckets.Add(new GradientBucket(current.ToArray())); current.Clear(); size = 0; }
            current.Add(p);
            size += p.Numel();
        }
        if (current.Count > 0) buckets.Add(new GradientBucket(current.ToArray()));
        _buckets = buckets.ToArray();
        for (int b = 0; b < _buckets.Length; b++)
            for (int i = 0; i < _buckets[b].Parameters.Length; i++) _where[_buckets[b].Parameters[i]] = (b, i);
        _ready = new bool[_where.Count];
        if (_group.WorldSize > 1)
            foreach (var p in trainable) _hooks.Add(p.RegisterPostAccumulateGradHook(OnGradientReady));
    }

    /// <summary>The wrapped replica, PyTorch's <c>ddp.module</c>.</summary>
    public Module Module { get; }

    /// <summary>The group gradients are averaged over.</summary>
    public ProcessGroup Group => _group;

    /// <summary>How many buckets the gradients travel in (largest first reduced last).</summary>
    public int BucketCount => _buckets.Length;

    /// <summary>Runs the replica; in training mode first broadcasts rank 0's buffers (when asked).</summary>
    public override Tensor Forward(Tensor input)
    {
        if (Training && _broadcastBuffers && _group.WorldSize > 1)
            using (Autograd.Autograd.NoGrad())
                foreach (var b in Module.Buffers()) _group.Broadcast(b, 0);
        return Module.Call(input);
    }

    private void OnGradientReady(Tensor t)
    {
        var p = (Parameter)t;
        var (b, i) = _where[p];
        var bucket = _buckets[b];
        if (!_passOpen)
        {
            _passOpen = true;
            _treeOrder = Torch.AreSplitInvariantReductionsEnabled();
            Array.Clear(_ready);
            foreach (var k in _buckets) { k.Pending = k.Parameters.Length; k.Launched = false; k.Dirty = false; }
            _nextToLaunch = 0;
            Autograd.Autograd.QueueCallback(FinishPass);
        }
        int flat = FlatIndex(b, i);
        if (_ready[flat])
        {
            // A parameter used twice in the graph receives a second contribution: if its bucket left already, reduce again.
            if (bucket.Launched) bucket.Dirty = true;
            return;
        }
        _ready[flat] = true;
        if (--bucket.Pending == 0) LaunchReadyBuckets();
        else Progress();
    }

    private int FlatIndex(int b, int i)
    {
        int n = 0;
        for (int k = 0; k < b; k++) n += _buckets[k].Parameters.Length;
        return n + i;
    }

    /// <summary>Starts the buckets that are complete, in bucket order (every rank must start the same reductions in the
    /// same order).</summary>
    private void LaunchReadyBuckets()
    {
        while (_nextToLaunch < _buckets.Length && _buckets[_nextToLaunch].Pending == 0)
            Launch(_buckets[_nextToLaunch++]);
    }

    private void Launch(GradientBucket bucket)
    {
        for (int i = 0; i < bucket.Parameters.Length; i++)
        {
            var dst = bucket.Slice(i);
            if (bucket.Parameters[i].Grad is { } g) g.Contiguous().AsSpan<float>().CopyTo(dst);
            else dst.Clear();   // unused in this pass: it contributes zeros (PyTorch's find_unused_parameters)
        }
        bucket.Launched = true;
        if (_treeOrder) return;   // reduced in FinishPass, in the ranks' tree order
        var mpi = _group.Backend!;
        bucket.Sequence = mpi.NextSequence();
        IntPtr req;
        mpi.Check(Iallreduce(InPlace.ToPointer(), bucket.Data, bucket.Count, Float, OpSum, mpi.BucketComm, &req), "MPI_Iallreduce (gradient bucket)");
        bucket.Request = req;
        bucket.Launched = true;
    }

    /// <summary>Lets Open MPI's progress engine move the bytes of the reductions in flight (it advances only inside MPI calls).</summary>
    private void Progress()
    {
        foreach (var b in _buckets)
        {
            if (!b.Launched || b.Request == IntPtr.Zero) continue;
            int flag;
            Status st;
            IntPtr r = b.Request;
            _group.Backend!.Check(Test(&r, &flag, &st), "MPI_Test (gradient bucket)");
            b.Request = flag != 0 ? IntPtr.Zero : r;
        }
    }

    private void FinishPass()
    {
        _passOpen = false;
        foreach (var b in _buckets) b.Pending = 0;   // gradients that never arrived contribute zeros
        LaunchReadyBuckets();
        var mpi = _group.Backend!;
        float scale = 1f / _group.WorldSize;
        foreach (var bucket in _buckets)
        {
            if (bucket.Request != IntPtr.Zero)
            {
                IntPtr r = bucket.Request;
                mpi.Wait(ref r, bucket.Sequence, "gradient all-reduce", _group.Timeout);
                bucket.Request = IntPtr.Zero;
            }
            if (bucket.Dirty && !_treeOrder)
            {
                Launch(bucket);
                IntPtr r = bucket.Request;
                mpi.Wait(ref r, bucket.Sequence, "gradient all-reduce", _group.Timeout);
                bucket.Request = IntPtr.Zero;
            }
            if (bucket.Dirty && _treeOrder) Launch(bucket);   // copy the late contribution in
            if (_treeOrder) _group.AllReduceInTreeOrder(new Span<float>(bucket.Data, bucket.Count));
            for (int i = 0; i < bucket.Parameters.Length; i++)
            {
                var p = bucket.Parameters[i];
                if (p.Grad == null)
                    using (Torch.NoDisposeScope()) p.Grad = Torch.ZerosLike(p).DetachFromDisposeScope();
                var src = bucket.Slice(i);
                var g = p.Grad!;
                if (!g.IsContiguous()) throw new InvalidOperationException($"DistributedDataParallel: the gradient of a parameter of shape {p.Shape} is not contiguous.");
                var dst = g.AsSpan<float>();
                for (int k = 0; k < dst.Length; k++) dst[k] = src[k] * scale;
            }
        }
    }

    public void Dispose()
    {
        foreach (var h in _hooks) h.Dispose();
        _hooks.Clear();
        foreach (var b in _buckets) b.Dispose();
    }

    protected override string ReprName => "DistributedDataParallel";
}
