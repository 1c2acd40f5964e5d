using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lumen.Kernels;

/// <summary>The operations a micro-kernel needs from one vector width, as static abstract members (the pattern of
/// TensorPrimitives' operator structs): a kernel written once as <c>Kernel&lt;TV, V&gt;</c> with <c>V : IVec&lt;TV&gt;</c>
/// is specialised by the JIT for each width, the accumulators being the hardware vectors themselves (TV), so
/// <see cref="V128"/>, <see cref="V256"/> and <see cref="V512"/> give the same code as a hand-written copy per width.</summary>
/// <typeparam name="TV">Vector128, Vector256 or Vector512 of float.</typeparam>
internal unsafe interface IVec<TV> where TV : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }
    static abstract TV Load(float* p);
    static abstract void Store(TV v, float* p);
    static abstract TV Broadcast(float x);
    /// <summary>a·b + c with one rounding (the same bits on every width) where the CPU has a fused multiply-add: every
    /// ARM64 and every x86 with AVX2. Without one (an SSE-only x86, or <c>DOTNET_EnableAVX2=0</c>) a multiply and an
    /// add, as OpenBLAS's kernels for those CPUs do: .NET would emulate each lane's FMA in software, some 50 times
    /// slower.</summary>
    static abstract TV Fma(TV a, TV b, TV c);
    static abstract TV Add(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    static abstract TV And(TV a, TV b);
    static abstract TV AllBitsSet { get; }
    /// <summary>A mask with lanes <paramref name="first"/> … Count − 1 set.</summary>
    static abstract TV LanesFrom(int first);
    /// <summary>dst[0..8) += a's lanes folded to (at most) 8: 512 bits add their halves, 128 bits fill dst[0..4).</summary>
    static abstract void FoldInto8(TV a, float* dst);
}

/// <summary>128-bit vectors (SSE, ARM64 NEON).</summary>
internal unsafe struct V128 : IVec<Vector128<float>>
{
    public static int Count => 4;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float x) => Vector128.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        // Each ISA's own intrinsic behind its own IsSupported, which the JIT folds as it imports: a portable
        // FusedMultiplyAdd in the dead branch made it keep the micro-kernel's operands on the stack without FMA
        // hardware (a store and a reload per use; SSE SGEMM 33 GFLOP/s).
        System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c)
        : System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? System.Runtime.Intrinsics.Arm.AdvSimd.FusedMultiplyAdd(c, a, b)
        : a * b + c;

    /// <summary>Whether the CPU fuses multiply-adds in hardware (see <see cref="IVec{TV}.Fma"/>).</summary>
    public static bool HardwareFma => System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> And(Vector128<float> a, Vector128<float> b) => a & b;
    public static Vector128<float> AllBitsSet => Vector128<float>.AllBitsSet;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LanesFrom(int first) =>
        Vector128.GreaterThanOrEqual(Vector128.Create(0, 1, 2, 3), Vector128.Create(first)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FoldInto8(Vector128<float> a, float* dst) => (Vector128.Load(dst) + a).Store(dst);
}

/// <summary>256-bit vectors (AVX2).</summary>
internal unsafe struct V256 : IVec<Vector256<float>>
{
    public static int Count => 8;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => a & b;
    public static Vector256<float> AllBitsSet => Vector256<float>.AllBitsSet;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LanesFrom(int first) =>
        Vector256.GreaterThanOrEqual(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(first)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FoldInto8(Vector256<float> a, float* dst) => (Vector256.Load(dst) + a).Store(dst);
}

/// <summary>512-bit vectors (AVX-512).</summary>
internal unsafe struct V512 : IVec<Vector512<float>>
{
    public static int Count => 16;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> And(Vector512<float> a, Vector512<float> b) => a & b;
    public static Vector512<float> AllBitsSet => Vector512<float>.AllBitsSet;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LanesFrom(int first) =>
        Vector512.GreaterThanOrEqual(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(first)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FoldInto8(Vector512<float> a, float* dst) => (Vector256.Load(dst) + (a.GetLower() + a.GetUpper())).Store(dst);
}
