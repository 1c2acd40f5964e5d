using BenchmarkDotNet.Running;
using Lumen.Bench;

// `--compare`: Lumen vs PyTorch SGEMM table (see bench/run.sh); anything else goes to BenchmarkDotNet,
// e.g. `dotnet run -c Release --project bench/Lumen.Bench -- --filter '*Sgemm*'`.
if (args.Contains("--compare")) return Compare.Run(args.Where(a => a != "--compare").ToArray());
BenchmarkSwitcher.FromAssembly(typeof(SgemmBenchmarks).Assembly).Run(args);
return 0;
