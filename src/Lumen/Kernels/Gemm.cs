using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lumen.Kernels;

/// <summary>Which register-blocked micro-kernel <see cref="Gemm"/> runs. <see cref="Auto"/> picks the widest the CPU has.</summary>
internal enum GemmPath
{
    Auto,
    /// <summary>Vector512 + FMA, an 8×32 tile (16 zmm accumulators).</summary>
    Avx512,
    /// <summary>Vector256 + FMA3, a 6×16 tile (12 ymm accumulators).</summary>
    Avx2,
    /// <summary>System.Numerics.Vector&lt;float&gt; (NEON on ARM64), a 4×(2·Vector&lt;float&gt;.Count) tile.</summary>
    Vector,
}

/// <summary>
/// Single-precision GEMM, BLAS's <c>sgemm</c> for row-major data: C = alpha·op(A)·op(B) + beta·C, where op(A) is m×k,
/// op(B) is k×n and C is m×n. Without a transpose flag A is stored m×k with row stride <c>lda</c>; with it A is stored
/// k×m (so op(A) = Aᵀ reads it without a copy); likewise B (k×n, or n×k when transposed). C has row stride <c>ldc</c>.
/// When beta is 0, C is only written (whatever it held, NaN included, is ignored), as in BLAS.
/// <para>
/// Layout (the BLIS/GotoBLAS scheme): C is split across threads into fixed row or column ranges; each thread loops over
/// NC-wide column panels and KC-deep slices of K, packs a KC×NC panel of op(B) and MC×KC blocks of op(A) into its own
/// reused, 64-byte-aligned buffers, and runs an MR×NR register-blocked micro-kernel over them. Every element of C sums
/// its K products in the same order whatever the thread count or the ISA path (one FMA per product, KC slices in
/// order), so results are bit-for-bit reproducible across thread counts and across the AVX-512 / AVX2 / Vector paths
/// (on an x86 without FMA the Vector path multiplies and adds instead: <see cref="IVec{TV}.Fma"/>).
/// </para>
/// </summary>
internal static unsafe class Gemm
{
    // Cache blocking. KC×NR floats of B (the micro-panel reused by every row tile) sit in L1/L2; an MC×KC block of A in
    // L2; the KC×NC panel of B in L3. MC is a multiple of every MR (8, 6, 4). KC 512 rather than 256 halves how often C
    // is read and written back and how often the threads meet per product: the convolutions' deep, narrow products
    // gained most (AMD EPYC Zen 5, 2 threads, GFLOP/s 256 → 512: 512×392×4608 303–307 → 347–350, 64×576×3136ᵀ
    // 200–204 → 224–235, 1024³ 393–397 → 429–446; AVX2 cap 1024³ 208–214 → 219–228), at different roundings.
    internal const int KC = 512;
    internal const int MC = 192;
    internal const int NC = 2048;

    /// <summary>Problems with fewer multiply-adds than this (or with m or n equal to 1) skip packing.</summary>
    internal const long SimpleLimit = 32 * 32 * 32;

    /// <summary>Below this many multiply-adds per thread, more threads cost more than they save.</summary>
    private const long MinWorkPerThread = 1 << 18;

    /// <summary>The path <see cref="GemmPath.Auto"/> resolves to on this machine.</summary>
    public static GemmPath BestPath { get; } =
        Avx512F.IsSupported && Fma.IsSupported ? GemmPath.Avx512 :
        Avx2.IsSupported && Fma.IsSupported ? GemmPath.Avx2 : GemmPath.Vector;

    /// <summary>Whether <paramref name="path"/> can run on this CPU (the Vector path always can).</summary>
    public static bool IsSupported(GemmPath path) => path switch
    {
        GemmPath.Auto or GemmPath.Vector => true,
        GemmPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        GemmPath.Avx512 => Avx512F.IsSupported && Fma.IsSupported,
        _ => false,
    };

    /// <summary>C = alpha·op(A)·op(B) + beta·C (see the class summary for the layout).</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
                             ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
                             float beta, Span<float> c, int ldc)
        => Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, GemmPath.Auto);

    /// <summary>As the public overload, on a chosen micro-kernel path (tests force each path with it).</summary>
    internal static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
                               ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
                               float beta, Span<float> c, int ldc, GemmPath path)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"sgemm: negative size m={m}, n={n}, k={k}.");
        if (m == 0 || n == 0) return;
        CheckOperand("A", transA ? k : m, transA ? m : k, a.Length, lda);
        CheckOperand("B", transB ? n : k, transB ? k : n, b.Length, ldb);
        CheckOperand("C", m, n, c.Length, ldc);
        if (path == GemmPath.Auto) path = BestPath;
        if (!IsSupported(path)) throw new PlatformNotSupportedException($"sgemm: the {path} path needs CPU support this machine lacks.");

        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
        {
            if (k == 0 || alpha == 0f) { ScaleC(m, n, beta, pc, ldc); return; }
            // A row vector stored with stride 1 reads the same either way; prefer the contiguous orientation.
            if (m == 1 && transA && lda == 1) { transA = false; lda = k; }
            if (n == 1 && !transB && ldb == 1) { transB = true; ldb = k; }
            if (m == 1 || n == 1 || (long)m * n * k <= SimpleLimit)
                Simple(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            else
                Packed(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, path);
        }
    }

    /// <summary>C = alpha·A·B + beta·C where B (k×n) is never stored: <paramref name="b"/> packs the panels the
    /// packed path asks for (im2col fused with packing). A is m×k row-major. Same blocking, order of summation and
    /// results as <see cref="Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    /// on the materialised B, whatever the size (small problems take the packed path too).</summary>
    internal static void SgemmPackedB(int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, BPanelSource b,
                                      float beta, Span<float> c, int ldc)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"sgemm: negative size m={m}, n={n}, k={k}.");
        if (m == 0 || n == 0) return;
        CheckOperand("A", m, k, a.Length, lda);
        CheckOperand("C", m, n, c.Length, ldc);
        fixed (float* pa = a) fixed (float* pc = c)
        {
            if (k == 0 || alpha == 0f) { ScaleC(m, n, beta, pc, ldc); return; }
            Packed(false, false, m, n, k, alpha, pa, lda, null, 0, beta, pc, ldc, BestPath, b);
        }
    }

    private static void CheckOperand(string name, int rows, int cols, int length, int ld)
    {
        if (rows > 1 && ld < cols)
            throw new ArgumentException($"sgemm: leading dimension of {name} ({ld}) is smaller than its row length ({cols}).");
        if (rows > 0 && cols > 0 && (long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"sgemm: {name} needs {(long)(rows - 1) * ld + cols} elements ({rows}×{cols}, stride {ld}), the span has {length}.");
    }

    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0f) row.Clear();
            else if (beta != 1f) TensorPrimitives.Multiply(row, beta, row);
        }
    }

    // ------------------------------------------------------------------ simple path (small or vector-shaped problems)

    private static void Simple(bool transA, bool transB, int m, int n, int k, float alpha,
                               float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        long work = (long)m * n * k;
        if (work < MinWorkPerThread) SimpleRows(0, m, transA, transB, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else SimpleParallel(transA, transB, m, n, k, alpha, (nint)a, lda, (nint)b, ldb, beta, (nint)c, ldc);
    }

    /// <summary>The row-split form of <see cref="Simple"/>, apart so that the serial path allocates no closure.</summary>
    private static void SimpleParallel(bool transA, bool transB, int m, int n, int k, float alpha,
                                       nint pa, int lda, nint pb, int ldb, float beta, nint pc, int ldc)
    {
        int grain = (int)Math.Clamp(MinWorkPerThread / Math.Max(1L * n * k, 1), 1, Math.Max(m, 1));
        ParallelFor.Run(m, grain, (i0, i1) =>
            SimpleRows(i0, i1, transA, transB, n, k, alpha, (float*)pa, lda, (float*)pb, ldb, beta, (float*)pc, ldc));
    }

    private static void SimpleRows(int i0, int i1, bool transA, bool transB, int n, int k, float alpha,
                                   float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        float[] scratch = ArrayPool<float>.Shared.Rent(k + n);
        try
        {
            var arowBuf = scratch.AsSpan(0, k);
            var acc = scratch.AsSpan(k, n);
            for (int i = i0; i < i1; i++)
            {
                ReadOnlySpan<float> arow;
                if (!transA) arow = new ReadOnlySpan<float>(a + (long)i * lda, k);
                else { for (int p = 0; p < k; p++) arowBuf[p] = a[(long)p * lda + i]; arow = arowBuf; }

                if (transB)
                    for (int j = 0; j < n; j++) acc[j] = TensorPrimitives.Dot(arow, new ReadOnlySpan<float>(b + (long)j * ldb, k));
                else
                {
                    acc.Clear();
                    for (int p = 0; p < k; p++)
                        if (V128.HardwareFma) TensorPrimitives.FusedMultiplyAdd(new ReadOnlySpan<float>(b + (long)p * ldb, n), arow[p], acc, acc);
                        else TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(b + (long)p * ldb, n), arow[p], acc, acc);
                }

                var crow = new Span<float>(c + (long)i * ldc, n);
                for (int j = 0; j < n; j++) crow[j] = Combine(acc[j], alpha, beta, crow[j]);
            }
        }
        finally { ArrayPool<float>.Shared.Return(scratch); }
    }

    /// <summary>alpha·acc + beta·c, with c unread when beta is 0; the vector stores use the same formula.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Combine(float acc, float alpha, float beta, float c) =>
        beta == 0f ? alpha * acc : beta == 1f ? alpha * acc + c : alpha * acc + beta * c;

    // ------------------------------------------------------------------ packed path

    private static (int Mr, int Nr) Tile(GemmPath path) => path switch
    {
        GemmPath.Avx512 => (8, 32),
        GemmPath.Avx2 => (6, 16),
        _ => (4, 2 * Vector<float>.Count),
    };

    private static void Packed(bool transA, bool transB, int m, int n, int k, float alpha,
                               float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, GemmPath path,
                               BPanelSource? source = null)
    {
        var job = PackedJob.Take();
        try { job.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, path, source); }
        finally { PackedJob.Give(job); }
    }

    /// <summary>One packed product's loop state. The two parallel bodies (pack a B panel, run the macro-kernel tasks) are
    /// delegates made once per job object and read their operands from its fields, and each thread keeps one job for
    /// reuse, so a call allocates nothing (capturing lambdas cost about 0.3 KB a call: 200 KB a ResNet-18 step, whose
    /// per-sample convolutions call SGEMM hundreds of times).</summary>
    private sealed class PackedJob
    {
        [ThreadStatic] private static PackedJob? _spare;

        /// <summary>This thread's spare job, or a new one when it is in use (a nested call).</summary>
        public static PackedJob Take()
        {
            var job = _spare ?? new PackedJob();
            _spare = null;
            return job;
        }

        public static void Give(PackedJob job)
        {
            job._source = null;
            _spare = job;
        }

        private readonly Action<int, int> _packPanels, _runTasks;
        private bool _transA, _transB;
        private int _m, _k, _lda, _ldb, _ldc, _mr, _nr;
        private float _alpha;
        private float* _a, _b, _c, _bp;
        private GemmPath _path;
        private BPanelSource? _source;
        // The current (jc, pc) step.
        private int _jc, _nc, _pc, _kc, _panels, _chunks, _tasks, _next;
        private float _betaHere;

        private PackedJob()
        {
            _packPanels = PackPanels;
            _runTasks = RunTasks;
        }

        public void Run(bool transA, bool transB, int m, int n, int k, float alpha,
                        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, GemmPath path, BPanelSource? source)
        {
            var (mr, nr) = Tile(path);
            long work = (long)m * n * k;
            int threads = (int)Math.Clamp(work / MinWorkPerThread, 1, ParallelFor.NumThreads);
            int mBlocks = (m + MC - 1) / MC;
            (_transA, _transB, _m, _k, _alpha, _lda, _ldb, _ldc, _path, _source, _mr, _nr) =
                (transA, transB, m, k, alpha, lda, ldb, ldc, path, source, mr, nr);
            _a = a; _b = b; _c = c;
            // The KC×NC panel of op(B) is packed once per (jc, pc) into the calling thread's buffer and shared by all workers.
            _bp = PackBuffers.Current.B(Math.Min(KC, k) * Math.Min(NC, RoundUp(n, nr)));

            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                int panels = (nc + nr - 1) / nr;
                // Tasks are (MC-row block, column chunk) pairs; the columns are cut so that every thread has about eight
                // tasks to take (dynamic hand-out copes with a core that is busy elsewhere, and the last, uneven task
                // weighs little: at 2048³ four per thread left 11 row blocks on 2 threads, 6 against 5, and ran at
                // 427–446 GFLOP/s against 480–505 with eight; AMD EPYC Zen 5, AVX-512).
                int chunks = threads == 1 ? 1 : Math.Clamp((8 * threads + mBlocks - 1) / mBlocks, 1, panels);
                (_jc, _nc, _panels, _chunks, _tasks) = (jc, nc, panels, chunks, mBlocks * chunks);
                for (int pc = 0; pc < k; pc += KC)
                {
                    _pc = pc;
                    _kc = Math.Min(KC, k - pc);
                    _betaHere = pc == 0 ? beta : 1f;  // later K slices accumulate onto the first

                    if (threads == 1 || panels < 2) PackPanels(0, panels);
                    else ParallelFor.Run(panels, Math.Max(1, panels / threads), _packPanels);

                    // Each task writes its own block of C, so which thread runs it never changes the result.
                    _next = 0;
                    if (threads == 1) RunTasks(0, 1);
                    else ParallelFor.Run(threads, 1, _runTasks);
                }
            }
        }

        /// <summary>Packs micro-panels [p0, p1) of the current KC×NC panel of op(B).</summary>
        private void PackPanels(int p0, int p1)
        {
            int j0 = p0 * _nr, j1 = Math.Min(_nc, p1 * _nr);
            if (_source != null) _source.Pack(_pc, _kc, _jc + j0, j1 - j0, _nr, _bp + (long)j0 * _kc);
            else PackB(_transB, _b, _ldb, _pc, _kc, _jc + j0, j1 - j0, _nr, _bp + (long)j0 * _kc);
        }

        /// <summary>Takes (row block, column chunk) tasks from the shared counter until none are left.</summary>
        private void RunTasks(int w0, int w1)
        {
            var buffers = PackBuffers.Current;
            float* ap = buffers.A(Math.Min(KC, _k) * MC);
            float* tile = stackalloc float[8 * 32 + 16];
            tile = (float*)(((nint)tile + 63) & ~(nint)63);
            int packedBlock = -1, t, chunks = _chunks, panels = _panels, nr = _nr, kc = _kc;
            while ((t = Interlocked.Increment(ref _next) - 1) < _tasks)
            {
                int blk = t / chunks, chunk = t % chunks;
                int ic = blk * MC, mc = Math.Min(MC, _m - ic);
                if (blk != packedBlock) { PackA(_transA, _a, _lda, ic, mc, _pc, kc, _mr, ap); packedBlock = blk; }
                int j0 = (int)((long)panels * chunk / chunks) * nr, j1 = Math.Min(_nc, (int)((long)panels * (chunk + 1) / chunks) * nr);
                Macro(_path, _mr, nr, kc, ap, mc, _bp + (long)j0 * kc, j1 - j0,
                      _c + (long)ic * _ldc + _jc + j0, _ldc, _alpha, _betaHere, tile);
            }
        }
    }

    /// <summary>Thread-local packing buffers (pinned, 64-byte aligned), grown once and reused by every later call.</summary>
    private sealed class PackBuffers
    {
        [ThreadStatic] private static PackBuffers? _current;
        public static PackBuffers Current => _current ??= new PackBuffers();

        private float[]? _a, _b;
        private float* _pa, _pb;

        public float* A(int floats) => Ensure(ref _a, ref _pa, floats);
        public float* B(int floats) => Ensure(ref _b, ref _pb, floats);

        private static float* Ensure(ref float[]? arr, ref float* aligned, int floats)
        {
            if (arr == null || arr.Length < floats + 16)
            {
                arr = GC.AllocateUninitializedArray<float>(floats + 16, pinned: true);
                nint p = (nint)Unsafe.AsPointer(ref arr[0]);
                aligned = (float*)((p + 63) & ~(nint)63);
            }
            return aligned;
        }
    }

    /// <summary>The macro-kernel: a packed mc×kc block of A times packed kc×nc panels of B into C (mc×nc, row stride ldc).
    /// Full tiles go straight to C; edge tiles are computed into <paramref name="tile"/> and merged.</summary>
    private static void Macro(GemmPath path, int mr, int nr, int kc, float* ap, int mc, float* bp, int nc,
                              float* c, int ldc, float alpha, float beta, float* tile)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int nb = Math.Min(nr, nc - jr);
            float* bPanel = bp + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int mb = Math.Min(mr, mc - ir);
                float* aPanel = ap + (long)ir * kc;
                float* cTile = c + (long)ir * ldc + jr;
                if (mb == mr && nb == nr)
                    Kernel(path, kc, aPanel, bPanel, cTile, ldc, alpha, beta);
                else
                {
                    Kernel(path, kc, aPanel, bPanel, tile, nr, 1f, 0f);
                    for (int r = 0; r < mb; r++)
                    {
                        float* crow = cTile + (long)r * ldc;
                        for (int j = 0; j < nb; j++) crow[j] = Combine(tile[r * nr + j], alpha, beta, crow[j]);
                    }
                }
            }
        }
    }

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;


    /// <summary>Packs op(A)[ic:ic+mc, pc:pc+kc] as MR-row micro-panels: panel r holds, for each p, its MR values
    /// A[r·MR .. r·MR+MR−1, p] side by side (rows past mc are zero).</summary>
    private static void PackA(bool transA, float* a, int lda, int ic, int mc, int pc, int kc, int mr, float* ap)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int mb = Math.Min(mr, mc - ir);
            float* dst = ap + (long)ir * kc;
            if (transA)
            {
                // A stored k×m: row p of the panel is a contiguous run of mb values.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(pc + p) * lda + ic + ir;
                    float* d = dst + p * mr;
                    int r = 0;
                    for (; r < mb; r++) d[r] = src[r];
                    for (; r < mr; r++) d[r] = 0f;
                }
            }
            else
            {
                int p0 = 0;
                if (mr == 8 && mb == 8 && Avx.IsSupported)
                    for (; p0 + 8 <= kc; p0 += 8)   // eight rows' next eight values, transposed in registers
                        Transpose8x8(a + (long)(ic + ir) * lda + pc + p0, lda, dst + p0 * 8, 8);
                else if (mr == 6 && mb == 6 && Avx.IsSupported)
                    for (; p0 + 8 <= kc; p0 += 8)   // the AVX2 kernel's six rows: one element at a time cost 7–9 % of SGEMM
                        Transpose6x8(a + (long)(ic + ir) * lda + pc + p0, lda, dst + p0 * 6);
                for (int r = 0; r < mb; r++)
                {
                    float* src = a + (long)(ic + ir + r) * lda + pc;
                    float* d = dst + r;
                    for (int p = p0; p < kc; p++) d[p * mr] = src[p];
                }
                for (int r = mb; r < mr; r++)
                    for (int p = 0; p < kc; p++) dst[p * mr + r] = 0f;
            }
        }
    }

    /// <summary>Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-column micro-panels: panel j holds, for each p, its NR values
    /// B[p, j·NR .. j·NR+NR−1] side by side (columns past nc are zero).</summary>
    private static void PackB(bool transB, float* b, int ldb, int pc, int kc, int jc, int nc, int nr, float* bp)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int nb = Math.Min(nr, nc - jr);
            float* dst = bp + (long)jr * kc;
            if (!transB)
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (long)(pc + p) * ldb + jc + jr;
                    float* d = dst + p * nr;
                    if (nb == nr) new ReadOnlySpan<float>(src, nr).CopyTo(new Span<float>(d, nr));
                    else
                    {
                        int j = 0;
                        for (; j < nb; j++) d[j] = src[j];
                        for (; j < nr; j++) d[j] = 0f;
                    }
                }
            }
            else
            {
                // B stored n×k: column j of op(B) is a contiguous row of storage.
                int j8 = 0;
                if (Avx.IsSupported)
                    for (; j8 + 8 <= nb; j8 += 8)   // eight columns at a time, transposed in 8×8 blocks
                    {
                        float* src = b + (long)(jc + jr + j8) * ldb + pc;
                        int p = 0;
                        for (; p + 8 <= kc; p += 8) Transpose8x8(src + p, ldb, dst + (long)p * nr + j8, nr);
                        for (; p < kc; p++)
                            for (int j = 0; j < 8; j++) dst[(long)p * nr + j8 + j] = src[(long)j * ldb + p];
                    }
                for (int j = j8; j < nb; j++)
                {
                    float* src = b + (long)(jc + jr + j) * ldb + pc;
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++) d[p * nr] = src[p];
                }
                for (int j = nb; j < nr; j++)
                    for (int p = 0; p < kc; p++) dst[p * nr + j] = 0f;
            }
        }
    }

    /// <summary>dst[q, r] = src[r, q] for an 8×8 block (rows of src <paramref name="lds"/> apart, of dst
    /// <paramref name="ldd"/> apart), in AVX registers: the packing of a row-major operand into column-interleaved
    /// micro-panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* src, int lds, float* dst, int ldd)
    {
        Columns(Avx.LoadVector256(src), Avx.LoadVector256(src + lds), Avx.LoadVector256(src + 2L * lds), Avx.LoadVector256(src + 3L * lds),
                Avx.LoadVector256(src + 4L * lds), Avx.LoadVector256(src + 5L * lds), Avx.LoadVector256(src + 6L * lds), Avx.LoadVector256(src + 7L * lds),
                out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
        Avx.Store(dst, c0); Avx.Store(dst + ldd, c1); Avx.Store(dst + 2L * ldd, c2); Avx.Store(dst + 3L * ldd, c3);
        Avx.Store(dst + 4L * ldd, c4); Avx.Store(dst + 5L * ldd, c5); Avx.Store(dst + 6L * ldd, c6); Avx.Store(dst + 7L * ldd, c7);
    }

    /// <summary>Six rows' next eight values (row stride <paramref name="lds"/>) as eight groups of six, contiguous at
    /// <paramref name="dst"/> (48 floats): the 8×8 transpose with two zero rows, each column's first six stored.</summary>
    internal static void Transpose6x8(float* src, int lds, float* dst)
    {
        var z = Vector256<float>.Zero;
        Columns(Avx.LoadVector256(src), Avx.LoadVector256(src + lds), Avx.LoadVector256(src + 2L * lds), Avx.LoadVector256(src + 3L * lds),
                Avx.LoadVector256(src + 4L * lds), Avx.LoadVector256(src + 5L * lds), z, z,
                out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
        // Column p goes to dst + 6p; each full store's last two lanes land in column p + 1's place and are overwritten
        // by its store, and the last column is stored six lanes exactly (nothing past the 48 floats).
        Avx.Store(dst, c0); Avx.Store(dst + 6, c1); Avx.Store(dst + 12, c2); Avx.Store(dst + 18, c3);
        Avx.Store(dst + 24, c4); Avx.Store(dst + 30, c5); Avx.Store(dst + 36, c6);
        Sse.Store(dst + 42, c7.GetLower());
        Sse.StoreLow(dst + 46, c7.GetUpper());
    }

    /// <summary>The columns of the 8×8 matrix whose rows are r0…r7 (unpack, shuffle, then swap 128-bit halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
                                Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
                                out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
                                out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7)
    {
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        c0 = Avx.Permute2x128(u0, u4, 0x20); c1 = Avx.Permute2x128(u1, u5, 0x20);
        c2 = Avx.Permute2x128(u2, u6, 0x20); c3 = Avx.Permute2x128(u3, u7, 0x20);
        c4 = Avx.Permute2x128(u0, u4, 0x31); c5 = Avx.Permute2x128(u1, u5, 0x31);
        c6 = Avx.Permute2x128(u2, u6, 0x31); c7 = Avx.Permute2x128(u3, u7, 0x31);
    }

    // ------------------------------------------------------------------ micro-kernels

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(GemmPath path, int kc, float* ap, float* bp, float* c, int ldc, float alpha, float beta)
    {
        if (path == GemmPath.Avx512) Micro<Vector512<float>, V512, Eight>(kc, ap, bp, c, ldc, alpha, beta);
        else if (path == GemmPath.Avx2) Micro<Vector256<float>, V256, Six>(kc, ap, bp, c, ldc, alpha, beta);
        else if (Vector<float>.Count == 16) Micro<Vector512<float>, V512, Four>(kc, ap, bp, c, ldc, alpha, beta);
        else if (Vector<float>.Count == 8) Micro<Vector256<float>, V256, Four>(kc, ap, bp, c, ldc, alpha, beta);
        else Micro<Vector128<float>, V128, Four>(kc, ap, bp, c, ldc, alpha, beta);
    }

    /// <summary>A compile-time row count for <see cref="Micro{TV, V, TM}"/>.</summary>
    private interface IRows { static abstract int N { get; } }
    private struct Four : IRows { public static int N => 4; }
    private struct Six : IRows { public static int N => 6; }
    private struct Eight : IRows { public static int N => 8; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV, V>(float* c, TV acc, TV alpha, float beta) where TV : struct where V : struct, IVec<TV>
    {
        var r = V.Multiply(acc, alpha);
        if (beta == 0f) { }
        else if (beta == 1f) r = V.Add(r, V.Load(c));
        else r = V.Add(r, V.Multiply(V.Load(c), V.Broadcast(beta)));
        V.Store(r, c);
    }

    /// <summary>The micro-kernel, written once over the vector width: an MR×(2·W) tile (MR = TM rows, W floats per
    /// vector); per k step two W-wide loads of B, MR broadcasts of A, 2·MR FMAs into register accumulators. Instantiated
    /// as 8×32 on 512-bit vectors (16 of 32 zmm registers), 6×16 on 256-bit ones (12 accumulators + 3 of 16 ymm), and
    /// 4×(2·W) for the portable path on Vector&lt;float&gt;'s width (NEON on ARM64, SSE without AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Micro<TV, V, TM>(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
        where TV : struct where V : struct, IVec<TV> where TM : struct, IRows
    {
        int w = V.Count, mr = TM.N;
        TV c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        TV c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = V.Load(b);
            var b1 = V.Load(b + w);
            TV x;
            x = V.Broadcast(a[0]); c00 = V.Fma(x, b0, c00); c01 = V.Fma(x, b1, c01);
            x = V.Broadcast(a[1]); c10 = V.Fma(x, b0, c10); c11 = V.Fma(x, b1, c11);
            x = V.Broadcast(a[2]); c20 = V.Fma(x, b0, c20); c21 = V.Fma(x, b1, c21);
            x = V.Broadcast(a[3]); c30 = V.Fma(x, b0, c30); c31 = V.Fma(x, b1, c31);
            if (TM.N > 4)
            {
                x = V.Broadcast(a[4]); c40 = V.Fma(x, b0, c40); c41 = V.Fma(x, b1, c41);
                x = V.Broadcast(a[5]); c50 = V.Fma(x, b0, c50); c51 = V.Fma(x, b1, c51);
            }
            if (TM.N > 6)
            {
                x = V.Broadcast(a[6]); c60 = V.Fma(x, b0, c60); c61 = V.Fma(x, b1, c61);
                x = V.Broadcast(a[7]); c70 = V.Fma(x, b0, c70); c71 = V.Fma(x, b1, c71);
            }
            a += mr; b += 2 * w;
        }
        var va = V.Broadcast(alpha);
        Store<TV, V>(c, c00, va, beta); Store<TV, V>(c + w, c01, va, beta); c += ldc;
        Store<TV, V>(c, c10, va, beta); Store<TV, V>(c + w, c11, va, beta); c += ldc;
        Store<TV, V>(c, c20, va, beta); Store<TV, V>(c + w, c21, va, beta); c += ldc;
        Store<TV, V>(c, c30, va, beta); Store<TV, V>(c + w, c31, va, beta);
        if (TM.N > 4)
        {
            c += ldc;
            Store<TV, V>(c, c40, va, beta); Store<TV, V>(c + w, c41, va, beta); c += ldc;
            Store<TV, V>(c, c50, va, beta); Store<TV, V>(c + w, c51, va, beta);
        }
        if (TM.N > 6)
        {
            c += ldc;
            Store<TV, V>(c, c60, va, beta); Store<TV, V>(c + w, c61, va, beta); c += ldc;
            Store<TV, V>(c, c70, va, beta); Store<TV, V>(c + w, c71, va, beta);
        }
    }
}

/// <summary>The B operand of <see cref="Gemm.SgemmPackedB"/>: a k×n matrix that is produced panel by panel instead of
/// being stored (a convolution's column matrix, unrolled straight into the packed layout).</summary>
internal abstract unsafe class BPanelSource
{
    /// <summary>Writes B[pc .. pc+kc, j0 .. j0+n] as nr-column micro-panels: panel q (columns j0 + q·nr …) at
    /// dst + q·nr·kc holds, for each row p, its nr values side by side; columns past n are zero. Called from several
    /// threads at once for disjoint column ranges.</summary>
    public abstract void Pack(int pc, int kc, int j0, int n, int nr, float* dst);
}
