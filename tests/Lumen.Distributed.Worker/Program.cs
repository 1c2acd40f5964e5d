using System.Diagnostics;
using System.Globalization;
using Lumen;
using Lumen.Data;
using Lumen.Distributed;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Serialization;
using Lumen.Training;
using Lumen.Vision.Datasets;
using Lumen.Vision.Models;
using Lumen.Vision.Transforms;

// One rank of a distributed test. Run it plainly for one rank, or under `mpirun -np N` for N ranks.
//   equiv <mnist|net> <sync|plain> <globalBatch> <steps> <out.safetensors>   N ranks × globalBatch/N vs 1 rank × globalBatch
//   bnstats <outPrefix>                                                       one training forward of plain BatchNorm per rank
//   train <runDir> <epochs> <killRank1AfterBatches> [resume]                  the Trainer, data-parallel, with checkpoints
//   hang                                                                      rank 1 never reaches the all-reduce
//   bench-allreduce                                                           all-reduce throughput, 1–64 MB
//   bench-overlap <resnet18|mnist> <batchPerRank> <steps> <bucketMb>          backward+reduce time per step
// Environment: LUMEN_THREADS (compute threads per rank, 1); LUMEN_SPLIT_INVARIANT=1 turns on
// Torch.UseSplitInvariantReductions (every rank and the one-rank reference alike); for equiv mnist, LUMEN_LR (plain SGD at this rate instead of
// momentum 0.9 at 0.01) and LUMEN_PERTURB (scale the initial weights by 1 + this) reproduce docs/distributed.md's
// sensitivity measurement.
Torch.SetNumThreads(int.TryParse(Environment.GetEnvironmentVariable("LUMEN_THREADS"), out var th) ? th : 1);
Torch.UseSplitInvariantReductions(Environment.GetEnvironmentVariable("LUMEN_SPLIT_INVARIANT") == "1");
var world = ProcessGroup.World;
var inv = CultureInfo.InvariantCulture;
switch (args[0])
{
    case "equiv": Equivalence(args[1], args[2] == "sync", int.Parse(args[3], inv), int.Parse(args[4], inv), args[5]); break;
    case "bnstats": BatchNormStatistics(args[1]); break;
    case "train": Train(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv), args.Length > 4 && args[4] == "resume"); break;
    case "hang":
        world.Barrier();
        if (world.Rank == 1) Thread.Sleep(Timeout.Infinite);
        world.AllReduce(Torch.Ones(4));
        break;
    case "bench-allreduce": BenchAllReduce(); break;
    case "bench-overlap": BenchOverlap(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv), double.Parse(args[4], inv)); break;
    default: Console.Error.WriteLine($"unknown scenario {args[0]}"); return 2;
}
return 0;

void Equivalence(string model, bool sync, int globalBatch, int steps, string output)
{
    Torch.ManualSeed(4);
    Module net = model == "mnist" ? new MnistCNN() : new Net();
    if (sync) net = SyncBatchNorm.ConvertSyncBatchNorm(net);
    if (Environment.GetEnvironmentVariable("LUMEN_PERTURB") is { } eps)
        using (Lumen.Autograd.Autograd.NoGrad()) foreach (var p in net.Parameters()) p.Mul_(1 + float.Parse(eps, inv));
    using var ddp = new DistributedDataParallel(net);
    // SGD with momentum: a conv bias in front of BatchNorm has a gradient that is rounding noise (BatchNorm cancels it),
    // and Adam would blow that noise up to full-size steps, so Adam compares ranks' rounding, not their arithmetic.
    Optimizer optimizer = model == "mnist" ? new SGD(net.Parameters(), lr: double.Parse(Environment.GetEnvironmentVariable("LUMEN_LR") ?? "0.01", inv), momentum: Environment.GetEnvironmentVariable("LUMEN_LR") == null ? 0.9 : 0) : new Adam(net.Parameters());
    var lossFn = new CrossEntropyLoss();
    int perRank = globalBatch / world.WorldSize;
    int step = 0;
    foreach (var (x, y) in Batches(model, globalBatch * steps, perRank).Take(steps))
    {
        optimizer.ZeroGrad();
        var loss = lossFn.Call(ddp.Call(x), y);
        loss.Backward();
        optimizer.Step();
        if (++step == 1 && world.IsMain) SafeTensors.Save(net.StateDict(), output + ".step1");
    }
    if (world.IsMain) SafeTensors.Save(net.StateDict(), output);
    if (!sync) SafeTensors.Save(net.StateDict(), $"{output}.rank{world.Rank}");
}

IEnumerable<(Tensor X, Tensor Y)> Batches(string model, int count, int perRank)
{
    if (model == "mnist")
    {
        var tf = new Compose(new ToTensor(), new Normalize(new[] { 0.5f }, new[] { 0.5f }));
        var ds = new Subset<(Tensor Image, long Label)>(new MNIST(train: true, transform: tf), Enumerable.Range(0, count).ToArray());
        foreach (var (x, y) in new DataLoader(ds, batchSize: perRank, sampler: new DistributedSampler(ds, shuffle: false))) yield return (x, y);
    }
    else
    {
        var g = new Generator(3);
        var tds = new TensorDataset(Torch.Randn(new[] { count, 3, 32, 32 }, g), Torch.RandInt(2, new[] { count }, g));
        foreach (var b in new DataLoader<Tensor[], Tensor[]>(tds, batchSize: perRank, sampler: new DistributedSampler(tds, shuffle: false))) yield return (b[0], b[1]);
    }
}

void BatchNormStatistics(string prefix)
{
    Torch.ManualSeed(4);
    var net = new MnistCNN();
    using var ddp = new DistributedDataParallel(net);
    var (x, _) = Batches("mnist", 40, 20).Skip(0).First();
    ddp.Call(x);   // one training forward: each rank's running statistics see its own 20 images
    SafeTensors.Save(net.StateDict(), $"{prefix}.rank{world.Rank}.safetensors");
}

void Train(string runDir, int epochs, int killAfter, bool resume)
{
    Torch.ManualSeed(4);
    var net = new TinyConv(inChannels: 1, numClasses: 10, height: 28, width: 28);   // small: three jobs run in CI
    var tf = new Compose(new ToTensor(), new Normalize(new[] { 0.5f }, new[] { 0.5f }));
    var ds = new Subset<(Tensor Image, long Label)>(new MNIST(train: true, transform: tf), Enumerable.Range(0, 400).ToArray());
    var test = new Subset<(Tensor Image, long Label)>(new MNIST(train: false, transform: tf), Enumerable.Range(0, 50).ToArray());
    var loader = new DataLoader(ds, batchSize: 50, sampler: new DistributedSampler(ds, seed: 7));
    // Rank 1 dies after killAfter batches (the trainer's test-only crash injection, docs/cli.md).
    if (world.Rank == 1 && killAfter > 0) Environment.SetEnvironmentVariable("LUMEN_TEST_CRASH", $"after-batches={killAfter}");
    var trainer = new Trainer(net, new CrossEntropyLoss(), new Adam(net.Parameters()), options: new TrainerOptions
    {
        Epochs = epochs, RunDir = runDir, Output = Console.Out, Interactive = false, WriteReport = false,
        CheckpointEveryBatches = 2, ProcessGroup = world,
    });
    if (resume) trainer.Resume();
    trainer.Fit(loader, null, new DataLoader(test, batchSize: 50));
}

void BenchAllReduce()
{
    foreach (int mb in new[] { 1, 4, 16, 64 })
    {
        var t = Torch.Ones(mb * 1024 * 1024 / 4);
        world.AllReduce(t);
        int reps = Math.Max(3, 64 / mb);
        world.Barrier();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) world.AllReduce(t);
        double s = clock.Elapsed.TotalSeconds / reps;
        if (world.IsMain) Console.WriteLine(string.Format(inv, "lumen allreduce {0,3} MB: {1,8:F2} ms  {2,8:F0} MB/s", mb, s * 1e3, mb / s));
    }
}

void BenchOverlap(string model, int perRank, int steps, double bucketMb)
{
    Torch.ManualSeed(0);
    Module net = model == "resnet18" ? Models.ResNet18(numClasses: 10) : new MnistCNN();
    int size = model == "resnet18" ? 64 : 28, ch = model == "resnet18" ? 3 : 1;
    using var ddp = new DistributedDataParallel(net, bucketCapMb: bucketMb);
    var x = Torch.Randn(perRank, ch, size, size);
    var y = Torch.RandInt(10, new[] { perRank });
    var lossFn = new CrossEntropyLoss();
    double total = 0;
    for (int i = 0; i <= steps; i++)
    {
        using var scope = Torch.NewDisposeScope();
        foreach (var p in net.Parameters()) p.Grad = null;
        var loss = lossFn.Call(ddp.Call(x), y);
        world.Barrier();
        var clock = Stopwatch.StartNew();
        loss.Backward();
        if (i > 0) total += clock.Elapsed.TotalSeconds;   // the first step warms up
    }
    if (world.IsMain)
        Console.WriteLine(string.Format(inv, "{0} batch {1}/rank buckets {2} ({3} MB cap): backward incl. all-reduce {4:F1} ms/step",
                                        model, perRank, ddp.BucketCount, bucketMb, total / steps * 1e3));
}
