using Lumen.Kernels;

namespace Lumen.Bench;

/// <summary>The <c>--winograd-parts</c> mode: ResNet-18's 3×3 stride-1 layers (batch 8) through Winograd F(2×2, 3×3) and
/// through the planner's default (Winograd off), with Winograd's three stages timed apart (input transform, the 16
/// SGEMMs over the whole batch, output transform; one thread for the transforms, <c>--threads</c> for the rest), ms,
/// median of <c>--reps</c>; a training step's forward and input gradient by the planner, without and with the
/// transform kept from the forward for the input gradient; then the weight gradient (F(3×3, 2×2)) the same way. For tuning the Winograd path; the partners are in <c>--conv-layers</c>.</summary>
internal static class WinogradParts
{
    public static int Run(string[] args)
    {
        int threads = BenchArgs.Threads(args), reps = BenchArgs.Int(args, "--reps", 9), batch = BenchArgs.Int(args, "--batch", 8);
        Console.WriteLine($"Winograd F(2x2,3x3) vs the default plan, batch {batch} (VGG-16's layers with --vgg: 4), {threads} threads, median of {reps}, ms");
        Console.WriteLine($"{"layer",-16} {"default",8} {"winograd",9} {"kept U",7} {"in-xform(1t)",13} {"16 gemm",8} {"out-xform(1t)",14} {"gemm GF/s",10} {"w-xform",8} {"dx default",11} {"dx winograd",12} {"fwd+dx",9} {"kept",9}");
        var layers = new List<(int N, int C, int HW)> { (batch, 64, 56), (batch, 128, 28), (batch, 256, 14), (batch, 512, 7) };
        if (args.Contains("--vgg")) layers.AddRange(new[] { (4, 64, 224), (4, 128, 112), (4, 256, 56), (4, 512, 28), (4, 512, 14) });
        var weightGrad = new List<(ConvGeometry G, float[] X, float[] Dy, float[] V, float[] E, int Tiles)>();
        foreach (var (nn, c, hw) in layers)
        {
            int n = nn;
            var g = new ConvGeometry(n, c, c, 1, [hw, hw], [3, 3], [1, 1], [1, 1], [1, 1], [hw, hw]);
            var x = Compare.RandomFloats(n * c * hw * hw, 1);
            var w = Compare.RandomFloats(c * c * 9, 2);
            var y = new float[n * c * hw * hw];
            var vx = View<float>.Of(x); var vw = View<float>.Of(w); var vy = View<float>.Of(y);
            double def = ConvLayerBench.MedianMs(() => ConvKernels.Forward(g, vx, vw, default, vy, new ConvPlanOptions(NoWinograd: true)), reps);
            double win = ConvLayerBench.MedianMs(() => Winograd.Forward(g, vx, vw, default, vy), reps);
            var kept = new WinogradWeights();
            kept.Stamp(w, 0);
            double winKept = ConvLayerBench.MedianMs(() => Winograd.Forward(g, vx, vw, default, vy, kept), reps);
            int th = (hw + 1) / 2, tw = th, tiles = n * th * tw;
            var v = new float[16 * c * tiles];
            var m = new float[16 * c * tiles + 64];
            var u = new float[16 * c * c];
            Winograd.TransformWeights(w, c, c, false, u);
            var gx = new float[x.Length];
            var vgx = View<float>.Of(gx);
            double dxd = ConvLayerBench.MedianMs(() => ConvKernels.InputGrad(g, vw, vy, vgx, new ConvPlanOptions(NoWinograd: true)), reps);
            double dxw = ConvLayerBench.MedianMs(() => Winograd.InputGrad(g, vy, vw, vgx), reps);
            double twt = ConvLayerBench.MedianMs(() => Winograd.TransformWeights(w, c, c, false, u), reps);
            double tin = ConvLayerBench.MedianMs(() => Winograd.TransformInput(g, x, 0, 0, n * th, th, tw, 0, c, v, tiles), reps);
            double mul = ConvLayerBench.MedianMs(() =>
            {
                for (int xi = 0; xi < 16; xi++)
                    Gemm.Sgemm(false, false, c, tiles, c, 1f, new ReadOnlySpan<float>(u, xi * c * c, c * c), c,
                               new ReadOnlySpan<float>(v, xi * c * tiles, c * tiles), tiles, 0f,
                               new Span<float>(m, xi * c * tiles, c * tiles), tiles);
            }, reps);
            double tout = ConvLayerBench.MedianMs(() => Winograd.TransformOutput(g, m, tiles, 0, n * th, th, tw, 0, c, null, 0, y, 0), reps);
            // A training step's forward and input gradient as the planner runs them: without a kept transform, and with
            // the module's (a new weight version each step: the forward transforms, the input gradient reads it).
            double pair = ConvLayerBench.MedianMs(() =>
            {
                ConvKernels.Forward(g, vx, vw, default, vy);
                ConvKernels.Backward(g, default, vw, vy, vgx, default);
            }, reps);
            var step = new WinogradWeights();
            int version = 0;
            double pairKept = ConvLayerBench.MedianMs(() =>
            {
                step.Stamp(w, ++version);
                ConvKernels.Forward(g, vx, vw, default, vy, default, step);
                ConvKernels.Backward(g, default, vw, vy, vgx, default, default, default, step);
            }, reps);
            Console.WriteLine($"{n + "x" + c + "@" + hw + "x" + hw,-16} {def,8:F2} {win,9:F2} {winKept,7:F2} {tin,13:F2} {mul,8:F2} {tout,14:F2} {16.0 * 2 * c * c * tiles / mul / 1e6,10:F0} {twt,8:F2} {dxd,11:F2} {dxw,12:F2} {pair,9:F2} {pairKept,9:F2}");
            weightGrad.Add((g, x, y, v, m, tiles));
        }
        // The weight gradient, F(3×3, 2×2): dy's transform (E, the same size as V), the 16 SGEMMs M = E·Vᵀ of depth tiles
        // over the whole batch, and Gᵀ·M·G.
        Console.WriteLine();
        Console.WriteLine($"{"weight grad",-16} {"default",8} {"winograd",9} {"in-xform(1t)",13} {"dy-xform(1t)",13} {"16 gemm",8} {"gemm GF/s",10} {"out-xform(1t)",14}");
        foreach (var (g, x, dy, v, e, tiles) in weightGrad)
        {
            int c = g.C, th = (g.OH + 1) / 2, tw = (g.OW + 1) / 2;
            var dw = new float[c * c * 9];
            var mm = new float[16 * c * c];
            var (vx, vdy, vdw) = (View<float>.Of(x), View<float>.Of(dy), View<float>.Of(dw));
            double def = ConvLayerBench.MedianMs(() => ConvKernels.WeightGrad(g, vx, vdy, vdw, default, new ConvPlanOptions(NoWinograd: true)), reps);
            double win = ConvLayerBench.MedianMs(() => Winograd.WeightGrad(g, vx, vdy, vdw), reps);
            double tin = ConvLayerBench.MedianMs(() => Winograd.TransformInput(g, x, 0, 0, g.N * th, th, tw, 0, c, v, tiles), reps);
            double tdy = ConvLayerBench.MedianMs(() => Winograd.TransformGrad(g, dy, 0, 0, g.N * th, th, tw, 0, c, e, tiles), reps);
            double mul = ConvLayerBench.MedianMs(() =>
            {
                for (int xi = 0; xi < 16; xi++)
                    Gemm.Sgemm(false, true, c, c, tiles, 1f, new ReadOnlySpan<float>(e, xi * c * tiles, c * tiles), tiles,
                               new ReadOnlySpan<float>(v, xi * c * tiles, c * tiles), tiles, 0f, new Span<float>(mm, xi * c * c, c * c), c);
            }, reps);
            double tout = ConvLayerBench.MedianMs(() => Winograd.TransformWeightGradOutput(mm, c, c, 0, c, dw, 0), reps);
            Console.WriteLine($"{g.N + "x" + c + "@" + g.H + "x" + g.W,-16} {def,8:F2} {win,9:F2} {tin,13:F2} {tdy,13:F2} {mul,8:F2} {16.0 * 2 * c * c * tiles / mul / 1e6,10:F0} {tout,14:F2}");
        }
        return 0;
    }
}
