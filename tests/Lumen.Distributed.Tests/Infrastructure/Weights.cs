using Lumen.Serialization;

namespace Lumen.Distributed.Tests;

/// <summary>Compares two saved state dicts tensor by tensor.</summary>
public static class Weights
{
    /// <summary>‖a − b‖ / ‖b‖ for every float tensor (0 where both are zero).</summary>
    public static Dictionary<string, double> RelativeDifferences(string a, string b)
    {
        var x = SafeTensors.Load(a);
        var y = SafeTensors.Load(b);
        Assert.Equal(y.Keys, x.Keys);
        var result = new Dictionary<string, double>();
        foreach (var (k, t) in y)
        {
            if (t.DType != DType.Float32) { Assert.Equal(t.ToArray<long>(), x[k].ToArray<long>()); continue; }
            var p = x[k].ToArray<float>();
            var q = t.ToArray<float>();
            double d = 0, n = 0;
            for (int i = 0; i < q.Length; i++) { d += (double)(p[i] - q[i]) * (p[i] - q[i]); n += (double)q[i] * q[i]; }
            result[k] = n == 0 ? Math.Sqrt(d) : Math.Sqrt(d / n);
        }
        return result;
    }
}
