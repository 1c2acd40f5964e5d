namespace Lumen.Bench;

/// <summary>Who a child process of a comparison measures: Lumen itself or one of the two partners it is held against,
/// PyTorch 1.13 (Debian's build, OpenBLAS; the Python scripts in bench/) and libtorch 2.10 (TorchSharp-cpu 0.107:
/// oneDNN + oneMKL; bench/partner/setup.sh builds it at $TSBENCH_DIR).</summary>
internal enum Side { Lumen, PyTorch, Libtorch }
