using BenchmarkDotNet.Running;
using Lumen.Bench;

// `--compare`: SGEMM table, Lumen vs PyTorch 1.13 and libtorch 2.10 (see bench/run.sh); `--models`: the seeds' CNNs trained by all sides (bench/run.sh --models); `--data`: the seeds' CIFAR epochs from the JPEG folders (bench/run.sh --data); `--isa sse|avx2|native`: every side capped to one vector ISA; `--conv-layers`: the convolutions pass by pass against both partners, with % of FMA peak; `--dataloader`: DataLoader numWorkers timing; `--unary-math`: own elementwise kernels vs TensorPrimitives; anything else goes to BenchmarkDotNet,
// e.g. `dotnet run -c Release --project bench/Lumen.Bench -- --filter '*Sgemm*'`.
// `--isa sse|avx2|native` caps every side to one vector ISA (IsaCap): this process restarts itself under Lumen's cap.
try { IsaCap.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 2; }
if (IsaCap.Current.RunCappedIfNeeded(args) is int capped) return capped;
args = args.Where((a, i) => a != "--isa" && (i == 0 || args[i - 1] != "--isa")).ToArray();
if (args.Length > 1 && args[0] == "--data-case") return DataPathBench.RunCase(args[1..]);
if (args.Contains("--data")) return DataPathBench.Run(args.Where(a => a != "--data").ToArray());
if (args.Contains("--compare")) return Compare.Run(args.Where(a => a != "--compare").ToArray());
if (args.Contains("--models")) return ModelBench.Run(args.Where(a => a != "--models").ToArray());
if (args.Length > 1 && args[0] == "--model-case") return ModelBench.RunCase(args[1..]);
if (args.Contains("--conv-layers")) return ConvLayerBench.Run(args.Where(a => a != "--conv-layers").ToArray());
if (args.Contains("--sgemm-shapes")) return SgemmShapes.Run(args);
if (args.Contains("--bn-micro")) return BnMicro.Run(args);
if (args.Contains("--winograd-parts")) return WinogradParts.Run(args);
if (args.Contains("--profile-infer")) return InferenceProfile.Run(args);
if (args.Contains("--profile")) return LayerProfile.Run(args.Where(a => a != "--profile").ToArray());
if (args.Contains("--dataloader")) return DataLoaderBench.Run(args.Where(a => a != "--dataloader").ToArray());
if (args.Contains("--unary-math")) return UnaryMathBench.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(SgemmBenchmarks).Assembly).Run(args);
return 0;
