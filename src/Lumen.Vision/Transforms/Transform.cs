using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>An image transform, torchvision's <c>transforms.*</c>: it takes an <see cref="Image"/> (PIL's role) and/or a
/// <see cref="Tensor"/> (…, C, H, W) as torchvision does, and returns an Image or a Tensor. Compose them with
/// <see cref="Compose"/>. Random transforms draw from Lumen's generator (the global one unless a <c>generator:</c> is
/// given) exactly as torchvision draws from torch's, so the same seed gives torchvision's choices.</summary>
public abstract class Transform
{
    /// <summary>Applies the transform, torchvision's <c>transform(img)</c>.</summary>
    /// <param name="input">an <see cref="Image"/> or a <see cref="Tensor"/>.</param>
    /// <returns>an Image or a Tensor (see each transform).</returns>
    public object Forward(object input) => input switch
    {
        Image image => ForwardImage(image),
        Tensor tensor => ForwardTensor(tensor),
        null => throw new ArgumentNullException(nameof(input)),
        _ => throw new ArgumentException($"{GetType().Name}: expected an Image or a Tensor, got {input.GetType().Name}."),
    };

    /// <summary>Applies the transform, torchvision's <c>transform(img)</c>, with the word modules use
    /// (<c>model.Call(x)</c>): <c>var x = (Tensor)transform.Call(img);</c> or <c>transform.Call&lt;Tensor&gt;(img)</c>.</summary>
    public object Call(object input) => Forward(input);

    /// <summary><see cref="Call(object)"/> with the result cast to <typeparamref name="T"/> (Image or Tensor).</summary>
    public T Call<T>(object input) where T : class => Forward<T>(input);

    /// <summary>Applies the transform and casts the result to <typeparamref name="T"/> (Image or Tensor).</summary>
    public T Forward<T>(object input) where T : class =>
        Forward(input) as T ?? throw new InvalidCastException($"{GetType().Name}: result is not a {typeof(T).Name}.");

    /// <summary>The transform applied to an image; by default not supported.</summary>
    protected virtual object ForwardImage(Image image) =>
        throw new NotSupportedException($"{GetType().Name} does not accept an Image (convert it with ToTensor first).");

    /// <summary>The transform applied to a tensor (…, C, H, W); by default not supported.</summary>
    protected virtual object ForwardTensor(Tensor tensor) =>
        throw new NotSupportedException($"{GetType().Name} does not accept a Tensor; apply it to the Image before ToTensor.");

    /// <summary>torchvision's repr, e.g. <c>RandomHorizontalFlip(p=0.5)</c>.</summary>
    public override string ToString() => GetType().Name + "()";

    // ------------------------------------------------------------------ draws torchvision makes through torch

    /// <summary><c>torch.rand(1).item()</c> as float32 (compare with <c>(float)p</c>, as torch compares).</summary>
    internal static float Rand1(Generator? g) => Torch.Rand(new[] { 1 }, g).Item<float>();

    /// <summary><c>float(torch.empty(1).uniform_(from, to))</c>: a float32 draw widened to double.</summary>
    internal static double Uniform1(double from, double to, Generator? g) =>
        Torch.Empty(1).Uniform_(from, to, g).Item<float>();

    /// <summary><c>torch.randint(low, high, size=(1,)).item()</c>.</summary>
    internal static int RandInt1(long low, long high, Generator? g) => (int)Torch.RandInt(low, high, new[] { 1 }, g).Item<long>();

    internal static string F(double v) => Lumen.NN.PyFormat.Float(v);

    /// <summary>A float32 setting as Python prints the literal it came from (0.12f prints "0.12"), as torchvision keeps
    /// the user's Python floats.</summary>
    internal static string F(float v) => Lumen.NN.PyFormat.Float(v);
}
