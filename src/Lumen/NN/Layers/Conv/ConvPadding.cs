namespace Lumen.NN;

/// <summary>
/// A convolution's <c>padding</c> argument: an int, a tuple of ints (implicitly converted like <see cref="IntTuple"/>),
/// or one of PyTorch's strings <c>"valid"</c> (no padding) and <c>"same"</c> (pad so that the output has the input's
/// size; stride 1 only). <c>default(ConvPadding)</c> is padding 0.
/// <code>
/// new Conv2d(3, 16, kernelSize: 3, padding: 1);
/// new Conv2d(3, 16, kernelSize: (3, 5), padding: (1, 2));
/// new Conv2d(3, 16, kernelSize: 4, padding: "same");   // pads 1 before and 2 after, as PyTorch
/// </code>
/// </summary>
public readonly struct ConvPadding : IEquatable<ConvPadding>
{
    private ConvPadding(IntTuple values, string? mode) { Values = values; Mode = mode; }

    /// <summary>The padding sizes when given as numbers (<see cref="IntTuple.IsDefault"/> when <see cref="Mode"/> is set
    /// or nothing was given).</summary>
    public IntTuple Values { get; }

    /// <summary>"same" or "valid" when given as a string, otherwise null.</summary>
    public string? Mode { get; }

    /// <summary>True for <c>padding: "same"</c>.</summary>
    public bool IsSame => Mode == "same";

    /// <summary>True for <c>padding: "valid"</c>.</summary>
    public bool IsValid => Mode == "valid";

    /// <summary>Padding given as a string. Anything but "same" or "valid" is rejected (naming the value) when a layer or
    /// <c>F.Conv*</c> uses it.</summary>
    public static implicit operator ConvPadding(string mode) => new(default, mode ?? throw new ArgumentNullException(nameof(mode)));
    public static implicit operator ConvPadding(IntTuple values) => new(values, null);
    public static implicit operator ConvPadding(int value) => new(new IntTuple(value), null);
    public static implicit operator ConvPadding(int[] values) => new(new IntTuple(values), null);
    public static implicit operator ConvPadding(ValueTuple<int> v) => new((IntTuple)v, null);
    public static implicit operator ConvPadding((int, int) v) => new((IntTuple)v, null);
    public static implicit operator ConvPadding((int, int, int) v) => new((IntTuple)v, null);

    /// <summary>Checks a string mode: throws <see cref="ArgumentException"/> for anything but "same"/"valid".</summary>
    internal void Validate(string owner)
    {
        if (Mode != null && Mode != "same" && Mode != "valid")
            throw new ArgumentException($"{owner}: invalid padding string '{Mode}', should be one of {{'same', 'valid'}}.");
    }

    public bool Equals(ConvPadding other) => Mode == other.Mode && Values.Equals(other.Values);
    public override bool Equals(object? obj) => obj is ConvPadding p && Equals(p);
    public override int GetHashCode() => HashCode.Combine(Mode, Values);

    /// <summary>The mode string, or the values as Python prints them (<c>(1, 1)</c>).</summary>
    public override string ToString() => Mode ?? (Values.IsDefault ? "0" : Values.ToString());
}
