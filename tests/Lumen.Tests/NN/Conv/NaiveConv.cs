namespace Lumen.Tests.NN.Conv;

/// <summary>Direct-convolution reference (the definition, loop by loop, in double) that the im2col + SGEMM path is
/// compared with. Shapes are lifted to three spatial dimensions by inserting leading 1s.</summary>
public static class NaiveConv
{
    /// <summary>A flat contiguous kernel view of <paramref name="a"/> from <paramref name="offset"/> to its end; none for null.</summary>
    internal static Lumen.Kernels.View<float> V(float[]? a, int offset = 0) =>
        a == null ? default : Lumen.Kernels.View<float>.Contiguous(a, offset, a.Length - offset);

    public sealed record Config(int Dims, int N, int C, int OC, int Groups, int[] In, int[] Kernel, int[] Stride,
                                int[] PadBefore, int[] PadAfter, int[] Dilation, int[] OutputPadding, bool Transposed, bool Bias,
                                bool Same = false)
    {
        public override string ToString() =>
            $"{(Transposed ? "T" : "")}conv{Dims}d N={N} C={C} OC={OC} g={Groups} in=[{string.Join(",", In)}] k=[{string.Join(",", Kernel)}] " +
            $"s=[{string.Join(",", Stride)}] p=[{string.Join(",", PadBefore)}]/[{string.Join(",", PadAfter)}] d=[{string.Join(",", Dilation)}] " +
            $"op=[{string.Join(",", OutputPadding)}] bias={Bias}{(Same ? " same" : "")}";

        public int[] Out()
        {
            var o = new int[Dims];
            for (int i = 0; i < Dims; i++)
                o[i] = Transposed
                    ? (In[i] - 1) * Stride[i] - PadBefore[i] - PadAfter[i] + Dilation[i] * (Kernel[i] - 1) + OutputPadding[i] + 1
                    : In[i] + PadBefore[i] + PadAfter[i] < Dilation[i] * (Kernel[i] - 1) + 1 ? 0
                    : (In[i] + PadBefore[i] + PadAfter[i] - Dilation[i] * (Kernel[i] - 1) - 1) / Stride[i] + 1;
            return o;
        }

        public int[] WeightShape() =>
            (Transposed ? new[] { C, OC / Groups } : new[] { OC, C / Groups }).Concat(Kernel).ToArray();

        /// <summary>The kernels' geometry of this (non-transposed) convolution.</summary>
        internal Lumen.Kernels.ConvGeometry Geometry() => new(N, C, OC, Groups, In, Kernel, Stride, PadBefore, Dilation, Out());
    }

    /// <summary>n values uniform in [−1, 1) from <paramref name="r"/>.</summary>
    public static float[] RandomData(Random r, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }

    private static int[] Lift(int[] v, int fill) => Enumerable.Repeat(fill, 3 - v.Length).Concat(v).ToArray();

    /// <summary>y, and the gradients of Σ y·gy with respect to x, w and b.</summary>
    public static (double[] Y, double[] Gx, double[] Gw, double[] Gb) Run(Config c, float[] x, float[] w, float[]? b, float[] gy)
    {
        var i3 = Lift(c.In, 1); var k3 = Lift(c.Kernel, 1); var s3 = Lift(c.Stride, 1);
        var p3 = Lift(c.PadBefore, 0); var d3 = Lift(c.Dilation, 1); var o3 = Lift(c.Out(), 1);
        int outVol = o3[0] * o3[1] * o3[2], kVol = k3[0] * k3[1] * k3[2];
        var y = new double[c.N * c.OC * outVol];
        var gx = new double[x.Length]; var gw = new double[w.Length]; var gb = new double[c.OC];

        // Every (input position, output position, tap) triple the convolution connects, for the forward direction
        // (conv: output reads input) — the transposed convolution uses the same triples with input and output swapped.
        var a3 = c.Transposed ? o3 : i3;   // the "big" side: conv input / transposed output
        var b3 = c.Transposed ? i3 : o3;   // the "small" side: conv output / transposed input
        int aC = c.Transposed ? c.OC : c.C, bC = c.Transposed ? c.C : c.OC;
        int aCg = aC / c.Groups, bCg = bC / c.Groups;
        for (int n = 0; n < c.N; n++)
        for (int g = 0; g < c.Groups; g++)
        for (int bc = 0; bc < bCg; bc++)
        for (int ac = 0; ac < aCg; ac++)
        for (int bd = 0; bd < b3[0]; bd++) for (int bh = 0; bh < b3[1]; bh++) for (int bw = 0; bw < b3[2]; bw++)
        for (int kd = 0; kd < k3[0]; kd++) for (int kh = 0; kh < k3[1]; kh++) for (int kw = 0; kw < k3[2]; kw++)
        {
            int ad = bd * s3[0] - p3[0] + kd * d3[0], ah = bh * s3[1] - p3[1] + kh * d3[1], aw = bw * s3[2] - p3[2] + kw * d3[2];
            if (ad < 0 || ad >= a3[0] || ah < 0 || ah >= a3[1] || aw < 0 || aw >= a3[2]) continue;
            int aIdx = ((n * aC + g * aCg + ac) * a3[0] + ad) * a3[1] * a3[2] + ah * a3[2] + aw;
            int bIdx = ((n * bC + g * bCg + bc) * b3[0] + bd) * b3[1] * b3[2] + bh * b3[2] + bw;
            int tap = (kd * k3[1] + kh) * k3[2] + kw;
            // conv weight (OC, C/g, k): [b channel, a channel]; transposed weight (C_in, C_out/g, k): [b channel, a channel] too.
            int wIdx = ((g * bCg + bc) * aCg + ac) * kVol + tap;
            if (!c.Transposed)
            {
                y[bIdx] += (double)x[aIdx] * w[wIdx];
                gx[aIdx] += (double)gy[bIdx] * w[wIdx];
                gw[wIdx] += (double)gy[bIdx] * x[aIdx];
            }
            else
            {
                y[aIdx] += (double)x[bIdx] * w[wIdx];
                gx[bIdx] += (double)gy[aIdx] * w[wIdx];
                gw[wIdx] += (double)gy[aIdx] * x[bIdx];
            }
        }
        if (b != null)
            for (int n = 0; n < c.N; n++)
                for (int oc = 0; oc < c.OC; oc++)
                    for (int p = 0; p < outVol; p++)
                    {
                        y[(n * c.OC + oc) * outVol + p] += b[oc];
                        gb[oc] += gy[(n * c.OC + oc) * outVol + p];
                    }
        return (y, gx, gw, gb);
    }
}
