using Lumen.Vision.Transforms;
using Xunit;

namespace Lumen.Vision.Tests.Transforms;

public sealed class NormalizeReprTests
{
    // torchvision 0.14 prints the Python floats it was given:
    //   print(T.Normalize([0.12, 0.11, 0.40], [0.89, 0.21, 0.12]))  ->  Normalize(mean=[0.12, 0.11, 0.4], std=[0.89, 0.21, 0.12])
    //   print(T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])) (lists print with brackets, as Lumen always does)
    [Fact]
    public void Normalize_prints_the_decimal_values_it_was_given_not_their_widened_float32()
    {
        Assert.Equal("Normalize(mean=[0.12, 0.11, 0.4], std=[0.89, 0.21, 0.12])",
            new Normalize(new[] { 0.12f, 0.11f, 0.40f }, new[] { 0.89f, 0.21f, 0.12f }).ToString());
        Assert.Equal("Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])",
            new Normalize(new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f }).ToString());
    }

    // torchvision 0.14: print(T.Normalize([1e-05, 0.5], [float('inf'), 2.0])) -> Normalize(mean=[1e-05, 0.5], std=[inf, 2.0])
    //                   print(T.RandomHorizontalFlip(p=1e-05))                  -> RandomHorizontalFlip(p=1e-05)
    [Fact]
    public void Small_and_infinite_settings_print_as_Python_not_as_dotnet()
    {
        Assert.Equal("Normalize(mean=[1e-05, 0.5], std=[inf, 2.0])",
            new Normalize(new[] { 1e-5f, 0.5f }, new[] { float.PositiveInfinity, 2f }).ToString());
        Assert.Equal("RandomHorizontalFlip(p=1e-05)", new RandomHorizontalFlip(p: 1e-5).ToString());
    }
}
